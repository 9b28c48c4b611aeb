namespace ParaPlan.CostModel.Serving;

/// <summary>A phase step of the serving loop: its time, the slowest stage's operators (when reporting) and totals.</summary>
internal sealed class PhaseStep(bool report)
{
    public List<OperatorCost>? Operators { get; } = report ? [] : null;

    public double TotalMs { get; set; }

    public double StageMs { get; set; }

    /// <summary>A prefill pass's time were its last chunk a whole one (the time of a chunk of the budget, times the steps).</summary>
    public double WholeChunksMs { get; set; }

    public double TokensPerStep { get; set; }

    public int Steps { get; set; } = 1;

    public double MemoryOnlyMs { get; set; }

    public PhaseCost ToPhase()
    {
        List<OperatorCost> operators = Operators ?? [];
        double compute = 0, memory = 0, communication = 0, overhead = 0;
        foreach (OperatorCost o in operators)
        {
            switch (o.Bound)
            {
                case "compute": compute += o.TimeMs; break;
                case "memory": memory += o.TimeMs; break;
                case "communication": communication += o.TimeMs; break;
                case "overhead": overhead += o.TimeMs; break;
            }
        }

        return new PhaseCost(
            Round(StageMs), TokensPerStep, Steps, Round(compute), Round(memory), Round(communication), Round(overhead), operators);
    }

    private static double Round(double value) => Math.Round(value, 4);
}
