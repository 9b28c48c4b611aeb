using System.Globalization;
using ParaPlan.Input;

namespace ParaPlan.Calibration;

/// <summary>The "Label: value" lines of one printed trtllm-bench report, read with the file and line of each for messages.</summary>
internal sealed class TrtllmReportValues(Dictionary<string, (string Text, int Line)> values, string file)
{
    public string? Text(string label) =>
        values.TryGetValue(label, out var found) && found.Text.Length > 0 && found.Text is not ("None" or "N/A") ? found.Text : null;

    public double? Number(string label)
    {
        if (Text(label) is not { } text)
        {
            return null;
        }

        string number = text.TrimEnd('%').Trim();
        int line = values[label].Line;
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
        {
            throw new InputException(file, label, $"expected a number, found \"{text}\".", line);
        }

        if (!double.IsFinite(value))
        {
            throw new InputException(file, label, $"is {text}; expected a finite number.", line);
        }

        return value < 0
            ? throw new InputException(file, label, string.Create(CultureInfo.InvariantCulture, $"is negative ({value}); a count, rate, length or latency cannot be below zero."), line)
            : value;
    }

    public int? Whole(string label)
    {
        if (Number(label) is not { } value)
        {
            return null;
        }

        return value == Math.Floor(value) && value <= int.MaxValue
            ? (int)value
            : throw new InputException(file, label, string.Create(CultureInfo.InvariantCulture, $"expected a whole number, found {value}."), values[label].Line);
    }
}
