using ParaPlan.Domain;

namespace ParaPlan.CostModel.Physics;

/// <summary>
/// How the layers fall on pipeline stages (as evenly as possible, the first <c>L mod pp</c> stages one more), and
/// which stages cost the same: stages with the same layer count, the same number of MoE layers, the same
/// sliding-window layers and the same edge (embedding on the first, LM head on the last) are one class, costed
/// once (the search evaluates pipelines of up to 61 stages).
/// </summary>
internal sealed class StageLayout
{
    private readonly int[] _class;

    public StageLayout(ModelArchitecture model, int pipelineStages)
    {
        Stages = Math.Min(pipelineStages, model.LayerCount);
        (int[] layers, int[] start) = Planning.RankLayout.LayerSplit(model.LayerCount, Stages);
        Layers = layers;
        Start = start;
        MoeLayers = new int[Stages];
        Windows = model.SlidingWindows;
        WindowedLayers = new int[Stages][];
        FullAttentionLayers = new int[Stages];
        _class = new int[Stages];
        for (int s = 0; s < Stages; s++)
        {
            MoeLayers[s] = model.CountMoeLayers(start[s], layers[s]);
            WindowedLayers[s] = [.. Windows.Select(window => model.CountLayersWithWindow(start[s], layers[s], window))];
            FullAttentionLayers[s] = layers[s] - model.CountSlidingWindowLayers(start[s], layers[s]);
            _class[s] = s;
            for (int t = 0; t < s; t++)
            {
                if (_class[t] == t && SameClass(s, t))
                {
                    _class[s] = t;
                    break;
                }
            }
        }
    }

    /// <summary>Pipeline stages (never more than the layers).</summary>
    public int Stages { get; }

    /// <summary>Layers of each stage.</summary>
    public IReadOnlyList<int> Layers { get; }

    /// <summary>First layer of each stage.</summary>
    public IReadOnlyList<int> Start { get; }

    /// <summary>MoE layers of each stage.</summary>
    public int[] MoeLayers { get; }

    /// <summary>The model's distinct sliding windows, smallest first (empty when every layer is full attention).</summary>
    public IReadOnlyList<int> Windows { get; }

    /// <summary>Per stage, its layers with each of <see cref="Windows"/>.</summary>
    public int[][] WindowedLayers { get; }

    /// <summary>Full-attention layers of each stage (all of them when the model has no sliding window).</summary>
    public int[] FullAttentionLayers { get; }

    /// <summary>
    /// Tokens of KV cache one sequence of <paramref name="context"/> tokens keeps on one GPU of
    /// <paramref name="stage"/>, summed over its layers: <c>ceil(context/sp)</c> per full layer and
    /// <c>ceil(min(context, window)/sp)</c> per sliding-window layer.
    /// </summary>
    public double KvLayerTokens(int stage, double context, int sequenceParallel)
    {
        double tokens = Math.Ceiling(context / sequenceParallel) * FullAttentionLayers[stage];
        for (int w = 0; w < Windows.Count; w++)
        {
            tokens += Math.Ceiling(Math.Min(context, Windows[w]) / sequenceParallel) * WindowedLayers[stage][w];
        }

        return tokens;
    }

    /// <summary>The first stage that costs the same as <paramref name="stage"/> (itself when it is the first of its class).</summary>
    public int ClassOf(int stage) => _class[stage];

    /// <summary>True when <paramref name="stage"/> is the first of its class (the one to cost).</summary>
    public bool IsRepresentative(int stage) => _class[stage] == stage;

    private bool SameClass(int a, int b) =>
        Layers[a] == Layers[b]
        && MoeLayers[a] == MoeLayers[b]
        && WindowedLayers[a].AsSpan().SequenceEqual(WindowedLayers[b])
        && (a == 0) == (b == 0)
        && (a == Stages - 1) == (b == Stages - 1);
}
