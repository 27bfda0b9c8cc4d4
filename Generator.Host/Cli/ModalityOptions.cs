using System.CommandLine;
using VaeCreative.Core.Modalities;

namespace VaeCreative.Host.Cli;

/// <summary>
/// The options modalities add to a command (<see cref="IModality.Options"/>): declared once per name, passed to the
/// modality of the model in use under their keys, and refused for a model of another modality.
/// </summary>
public sealed class ModalityOptions
{
    private readonly List<(Option Option, List<(IModality Modality, ModalityOption Spec)> Owners)> options = [];

    private ModalityOptions() { }

    /// <summary>Adds every registered modality's options for <paramref name="which"/> to <paramref name="command"/>.</summary>
    public static ModalityOptions Add(Command command, ModalityRegistry registry, ModalityCommands which)
    {
        var result = new ModalityOptions();
        foreach (var group in registry.All.SelectMany(m => m.Options.Where(o => o.Commands.HasFlag(which)).Select(o => (Modality: m, Spec: o)))
                     .GroupBy(x => x.Spec.Name, StringComparer.Ordinal))
        {
            var owners = group.ToList();
            var description = string.Join(" ", owners.Select(o => o.Spec.Description).Distinct());
            Option option = owners.All(o => o.Spec.IsFlag)
                ? new Option<bool>(group.Key) { Description = description }
                : new Option<string?>(group.Key) { Description = description };
            command.Add(option);
            result.options.Add((option, owners));
        }
        return result;
    }

    /// <summary>
    /// The values given for <paramref name="modality"/>'s options, by key; a <see cref="CliException"/> when an option of
    /// another modality was given (<paramref name="what"/> names the model or data for the message).
    /// </summary>
    public Dictionary<string, string> Values(ParseResult parse, IModality modality, string what)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (option, owners) in options)
        {
            var value = option switch
            {
                Option<bool> flag => parse.GetValue(flag) ? "true" : null,
                Option<string?> text => parse.GetValue(text),
                _ => null,
            };
            if (value is null) continue;
            var mine = owners.FirstOrDefault(o => o.Modality == modality);
            if (mine.Spec is null)
                throw new CliException($"{option.Name} applies to {string.Join(" and ", owners.Select(o => o.Modality.Name).Distinct())} models; {what} is a {modality.Name} model.", 2);
            values[mine.Spec.Key] = value;
        }
        return values;
    }
}
