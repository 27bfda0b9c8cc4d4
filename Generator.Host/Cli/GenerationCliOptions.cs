using System.CommandLine;

namespace VaeCreative.Host.Cli;

/// <summary>
/// The options <c>vary</c>, <c>interpolate</c> and <c>sample</c> share: which model, how to decode, which random seed,
/// where outputs go and at what precision the model runs. One instance per command (System.CommandLine options belong
/// to one command).
/// </summary>
internal sealed record GenerationCliOptions(
    Option<string?> Model, Option<double?> Temperature, Option<double> TopP, Option<long> Rng,
    Option<string?> Out, Option<bool> Force, Option<bool> Json, Option<string> Precision, Option<bool> Preview)
{
    /// <summary>A fresh set whose temperature, when not given, is <paramref name="temperature"/> (null: the modality's <c>DefaultTemperature</c>).</summary>
    public static GenerationCliOptions Create(double? temperature) => new(
        GenerateCommands.ModelOption(), GenerateCommands.TemperatureOption(temperature), GenerateCommands.TopPOption(), GenerateCommands.RngOption(),
        GenerateCommands.OutOption(), GenerateCommands.ForceOption(), GenerateCommands.JsonOption(), GenerateCommands.PrecisionOption(),
        new Option<bool>("--preview") { Description = "Melody models: also write, beside each MIDI output, a WAV rendering (fluidsynth with a General MIDI soundfont: scripts/setup.sh --preview installs them) and a piano-roll PNG of the output over its seed." });

    /// <summary>Adds the set to <paramref name="command"/> after the options it already has.</summary>
    public Command AddTo(Command command)
    {
        foreach (Option option in new Option[] { Model, Temperature, TopP, Rng, Out, Force, Json, Precision, Preview }) command.Options.Add(option);
        return command;
    }
}
