namespace ParaPlan.Tests.Calibration;

/// <summary>The real benchmark result files shipped under tests/ParaPlan.Core.Tests/Calibration/Data (see its README).</summary>
internal static class CalibrationData
{
    public static string PathOf(string fileName) =>
        TestFiles.InRepository("tests", "ParaPlan.Core.Tests", "Calibration", "Data", fileName);
}
