namespace ParaPlan.CostModel.Physics;

/// <summary>
/// The attention work of one layer on one GPU for a step: its FLOPs, the bytes it moves (the KV cache read in
/// decode) and the keys each query attends to on average (the span prefill attention's efficiency follows).
/// </summary>
internal readonly record struct AttentionLoad(double Flops, double Bytes, double Span)
{
    /// <summary>
    /// (query, key) pairs of a causal prompt of <paramref name="promptTokens"/> tokens whose queries each see at most
    /// <paramref name="window"/> keys (themselves included): query i sees min(i, window) keys, so
    /// s(s+1)/2 when s &lt;= window, else window(window+1)/2 + (s - window) x window = s x window - window(window-1)/2.
    /// </summary>
    public static double WindowedCausalPairs(double promptTokens, double window) =>
        promptTokens <= window
            ? promptTokens * (promptTokens + 1) / 2.0
            : (promptTokens * window) - (window * (window - 1) / 2.0);
}
