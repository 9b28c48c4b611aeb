namespace ParaPlan.Calibration;

/// <summary>Mean, median, 90th and 99th percentile of one latency, in milliseconds; each null when not known.</summary>
internal readonly record struct LatencySummary(double? Mean, double? Median, double? P90, double? P99);
