namespace VaeCreative.Host.Cli;

/// <summary>
/// One reason files of a survey were not varied whole: how many, and the first file it happened to (with its
/// message), so a reader can open an example.
/// </summary>
/// <param name="Outcome"><c>refused</c> (the modality turned the seed down) or <c>failed</c> (anything else went wrong).</param>
/// <param name="Name">The reason, e.g. <c>MidiReadException: NoMelody</c>.</param>
/// <param name="Example">The first file refused or failed for it, relative to the surveyed folder.</param>
/// <param name="Message">That file's error message.</param>
public sealed record SurveyReason(string Outcome, string Name, string Example, string Message)
{
    /// <summary>Files that ended with this reason.</summary>
    public int Count { get; set; } = 1;
}
