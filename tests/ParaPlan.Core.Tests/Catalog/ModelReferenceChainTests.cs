using ParaPlan.Catalog;
using ParaPlan.Domain;
using ParaPlan.Input;

namespace ParaPlan.Tests.Catalog;

/// <summary>
/// A scenario's <c>model:</c> may name a file whose own <c>model:</c> names another: the chain is followed through at
/// most 8 files, the scenario included, and a file that leads back into the chain is a cycle (docs/scenario-format.md,
/// "Limits").
/// </summary>
public class ModelReferenceChainTests
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "paraplan-tests", Guid.NewGuid().ToString("N"));

    public ModelReferenceChainTests() => Directory.CreateDirectory(_folder);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A scenario and <paramref name="modelFiles"/> files each naming the next; the last names a catalog model.</summary>
    private string Chain(int modelFiles)
    {
        for (int i = 1; i <= modelFiles; i++)
        {
            Write($"m{i}.yaml", i < modelFiles ? $"model: m{i + 1}.yaml\n" : "model: qwen3-8b\n");
        }

        return Write("s.yaml", "model: m1.yaml\nhardware: {gpu: h100-sxm}\n");
    }

    [Fact]
    public void A_chain_of_eight_files_is_followed_and_a_ninth_is_refused()
    {
        Assert.Equal(8, InputLimits.MaxModelFileChain);
        Scenario scenario = ScenarioReader.ReadFile(Chain(7));
        Assert.Equal("Qwen3 8B", scenario.Model.Name);

        string scenarioPath = Chain(8);
        InputException error = Assert.Throws<InputException>(() => ScenarioReader.ReadFile(scenarioPath));
        Assert.Equal(Path.Combine(_folder, "m7.yaml"), error.File);
        Assert.Equal("model", error.Field);
        Assert.Equal(1, error.Line);
        Assert.Equal("'m8.yaml' would be file 9 of a chain of model references (s.yaml -> m1.yaml -> m2.yaml -> m3.yaml -> m4.yaml -> m5.yaml -> m6.yaml -> m7.yaml -> m8.yaml); ParaPlan follows at most 8 files: name the config.json directly.", error.Problem);
    }

    [Fact]
    public void A_scenario_naming_itself_is_refused()
    {
        string path = Write("self.yaml", "# a comment\nmodel: self.yaml\nhardware: {gpu: h100-sxm}\n");
        InputException error = Assert.Throws<InputException>(() => ScenarioReader.ReadFile(path));
        Assert.Equal(path, error.File);
        Assert.Equal("model", error.Field);
        Assert.Equal(2, error.Line);
        Assert.Equal("'self.yaml' is this file itself, so the model is never defined; give a catalog id, the path of a config.json, or the architecture inline.", error.Problem);
    }

    [Fact]
    public void Files_naming_one_another_are_a_cycle()
    {
        Write("a.yaml", "model: b.yaml\n");
        string b = Write("b.yaml", "model: ./a.yaml\n");
        string scenario = Write("s.yaml", "model: a.yaml\nhardware: {gpu: h100-sxm}\n");
        InputException error = Assert.Throws<InputException>(() => ScenarioReader.ReadFile(scenario));
        Assert.Equal(b, error.File);
        Assert.Equal("'./a.yaml' leads back to a file already read: the model files refer to one another in a cycle (a.yaml -> b.yaml -> a.yaml); give a catalog id, the path of a config.json, or the architecture inline.", error.Problem);
    }

    [Fact]
    public void The_model_command_follows_the_same_chain()
    {
        string self = Write("m.yaml", "model: m.yaml\n");
        InputException error = Assert.Throws<InputException>(() => ModelResolver.Resolve(self, null, string.Empty, "model", 0, [], []));
        Assert.Equal(self, error.File);
        Assert.StartsWith("'m.yaml' is this file itself", error.Problem, StringComparison.Ordinal);

        Write("n.yaml", "model: {num_hidden_layers: 2, hidden_size: 64, num_attention_heads: 4, vocab_size: 100}\n");
        string outer = Write("o.yaml", "model: n.yaml\n");
        Assert.Equal(2, ModelResolver.Resolve(outer, null, string.Empty, "model", 0, [], []).Architecture.LayerCount);
    }
}
