namespace ParaPlan.CostModel.Physics;

/// <summary>Accumulates the operator times of one pipeline stage for one step, optionally keeping the breakdown.</summary>
internal sealed class OperatorLedger(bool keep, int stageLayers)
{
    // A stage has about fifteen operators whose names are shared constants: a short list searched with an ordinal
    // comparison (equal references match at once) is cheaper than a hashed dictionary here.
    private readonly List<Entry> _ops = keep ? new List<Entry>(16) : [];

    /// <summary>Time of the stage's step, seconds.</summary>
    public double Seconds { get; private set; }

    /// <summary>The same step if every operator only streamed its bytes from HBM, seconds (the bandwidth bound).</summary>
    public double MemoryOnlySeconds { get; private set; }

    public int StageLayers { get; } = stageLayers;

    public void Add(string name, string kind, int count, double seconds, double flops, double bytes, string bound, double memorySeconds)
    {
        if (count <= 0)
        {
            return;
        }

        Seconds += seconds * count;
        MemoryOnlySeconds += memorySeconds * count;
        if (!keep)
        {
            return;
        }

        int index = IndexOf(name);
        if (index >= 0)
        {
            Entry existing = _ops[index];
            _ops[index] = existing with { Kind = kind, Count = existing.Count + count, Time = existing.Time + (seconds * count), Flops = existing.Flops + (flops * count), Bytes = existing.Bytes + (bytes * count) };
        }
        else
        {
            _ops.Add(new Entry(name, kind, count, seconds * count, flops * count, bytes * count, bound));
        }
    }

    /// <summary>The kept operators, times in ms, every figure multiplied by <paramref name="scale"/> (micro-batches, chunks).</summary>
    public IEnumerable<OperatorCost> Operators(double scale)
    {
        foreach (Entry o in _ops)
        {
            yield return new OperatorCost(o.Name, o.Kind, o.Count, Math.Round(o.Time * 1000 * scale, 7), o.Flops * scale, o.Bytes * scale, o.Bound);
        }
    }

    private int IndexOf(string name)
    {
        for (int i = 0; i < _ops.Count; i++)
        {
            if (string.Equals(_ops[i].Name, name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private readonly record struct Entry(string Name, string Kind, int Count, double Time, double Flops, double Bytes, string Bound);
}
