using System.Globalization;

namespace VaeCreative.Audio.Melodies;

/// <summary>
/// Bars <see cref="First"/> to <see cref="Last"/> of a melody, counted from 1 along its metre map (so bar 9 of a
/// waltz starts at beat 25). Written <c>5-12</c>, <c>5</c> (one bar) or <c>5-</c> (to the end).
/// </summary>
/// <param name="First">First bar, 1-based.</param>
/// <param name="Last">Last bar, inclusive; null for the melody's last bar.</param>
public readonly record struct BarRange(int First, int? Last)
{
    /// <summary>Parses <c>A-B</c>, <c>A</c> or <c>A-</c>; an <see cref="FormatException"/> saying what is wrong otherwise.</summary>
    public static BarRange Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('-');
        if (parts.Length is < 1 or > 2 || !TryBar(parts[0], out var first))
            throw new FormatException($"bars must be written FIRST-LAST, FIRST or FIRST- with bar numbers from 1 (e.g. 5-12); got '{text}'.");
        int? last = null;
        if (parts.Length == 2 && parts[1].Trim().Length > 0)
        {
            if (!TryBar(parts[1], out var l))
                throw new FormatException($"bars must be written FIRST-LAST, FIRST or FIRST- with bar numbers from 1 (e.g. 5-12); got '{text}'.");
            last = l;
        }
        else if (parts.Length == 1) last = first;
        if (last < first) throw new FormatException($"bars {first}-{last}: the last bar comes before the first.");
        return new BarRange(first, last);
    }

    /// <summary>
    /// The steps the bars cover in <paramref name="melody"/> (start inclusive, end exclusive); a
    /// <see cref="FormatException"/> when the melody has fewer bars than the range names.
    /// </summary>
    public (int From, int To) Steps(Melody melody) => Steps(melody.Metre, melody.Steps, "melody");

    /// <summary>The steps the bars cover in a step sequence of <paramref name="steps"/> steps in <paramref name="metre"/> (<paramref name="what"/> names it in the message).</summary>
    public (int From, int To) Steps(MetreMap metre, int steps, string what)
    {
        var starts = metre.BarStarts(steps);
        if (First > starts.Count || Last > starts.Count)
            throw new FormatException($"bars {this}: the {what} has {starts.Count} bar{(starts.Count == 1 ? "" : "s")} ({metre}).");
        var last = Last ?? starts.Count;
        return (starts[First - 1], last < starts.Count ? starts[last] : steps);
    }

    /// <inheritdoc />
    public override string ToString() => Last == First ? First.ToString(CultureInfo.InvariantCulture) : $"{First}-{Last?.ToString(CultureInfo.InvariantCulture)}";

    private static bool TryBar(string text, out int bar) =>
        int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out bar) && bar >= 1;
}
