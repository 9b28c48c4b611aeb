using ParaPlan.Calibration;
using ParaPlan.Catalog;
using ParaPlan.CostModel.Profiles;
using ParaPlan.Domain;

namespace ParaPlan.Tests.Calibration;

public class ProfileOverlayWriterTests
{
    private static CalibrationResult Result(bool ttftFitted) => new()
    {
        Scenario = "s.yaml",
        ResultFile = "r.json",
        Run = 2,
        Runs = 3,
        RunDescription = "vllm bench serve: 100 requests sent at once",
        RunConcurrency = "100 (100 requests sent at once)",
        Deployment = "tiny on 1 x h100-sxm",
        Engine = "vllm",
        Gpu = "h100-sxm",
        Figures =
        [
            new CalibrationFigure("tpot_ms", "mean TPOT", 12.5, 10, 12.4),
            new CalibrationFigure("output_tokens_per_s_per_gpu", "output tokens/s (5000) / 1 GPUs", 5000, 6000, 5010.25),
        ],
        Values =
        [
            new CalibratedValue("step_overhead_ms", 2, 3.25, 0.1, 10, "range", Fitted: true, AtBound: false),
            new CalibratedValue("sequence_overhead_us", 10, 12.5, 0, 150, "range", Fitted: true, AtBound: false),
            new CalibratedValue("layer_overhead_us", 5, 0, 0, 150, "range", Fitted: true, AtBound: false),
            new CalibratedValue("request_overhead_ms", 5, 5, 0, 100, "range", Fitted: ttftFitted, AtBound: false),
        ],
        NotCompared = [],
        Warnings = [],
        StartingProfile = "generic/*",
    };

    [Fact]
    public void The_overlay_holds_one_fitted_entry_with_the_fitted_values_and_reads_back_over_the_built_in_profiles()
    {
        string text = ProfileOverlayWriter.Write(Result(ttftFitted: false), "paraplan calibrate s.yaml r.json --run 2");
        Assert.True(GpuCatalog.BuiltIn.TryGet("h100-sxm", out GpuSpec h100));
        EfficiencyProfile profile = EfficiencyCatalog.BuiltIn.WithOverlay(text, "calibrated.json").Resolve(EngineKind.Vllm, h100);
        EfficiencyProfile builtIn = EfficiencyCatalog.BuiltIn.Resolve(EngineKind.Vllm, h100);

        Assert.Equal(3.25, profile.StepOverheadMs);
        Assert.Equal(12.5, profile.SequenceOverheadUs);
        Assert.Equal(0, profile.LayerOverheadUs);
        Assert.Equal(builtIn.RequestOverheadMs, profile.RequestOverheadMs); // not fitted, not written
        Assert.Equal(builtIn.GemmComputeEfficiency, profile.GemmComputeEfficiency);
        Assert.EndsWith(" + calibrated.json: vllm/h100-sxm (fitted)", profile.Name, StringComparison.Ordinal);
        Assert.Equal(
            "calibrated.json: vllm/h100-sxm: calibrated by paraplan calibrate s.yaml r.json --run 2 on run 2 of 3 (vllm bench serve: 100 requests sent at once): "
            + "measured TPOT 12.5 ms, predicted 12.4 ms; measured output tokens/s per GPU 5000, predicted 5010.3",
            profile.Sources["step_overhead_ms"]);
        Assert.DoesNotContain("request_overhead_ms", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_calibration_writes_the_same_file()
    {
        Assert.Equal(ProfileOverlayWriter.Write(Result(true), "c"), ProfileOverlayWriter.Write(Result(true), "c"));
        Assert.Contains("\"request_overhead_ms\": 5", ProfileOverlayWriter.Write(Result(true), "c"), StringComparison.Ordinal);
    }
}
