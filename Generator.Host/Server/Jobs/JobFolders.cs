using VaeCreative.Core.Augmentation;
using VaeCreative.Host.Server.Api;

namespace VaeCreative.Host.Server.Jobs;

/// <summary>
/// The host's policy for the folders jobs touch (the CLI has none): augment jobs write below the outputs folder, training
/// jobs into the models folder, and jobs read their data from the input folders (or the outputs folder) when the host has
/// input folders, from any plausible folder otherwise. Paths are compared as they resolve, symbolic links included, with
/// the platform's case rule, so no link leads a job out of its folder. A refusal is a 400 problem naming the folders.
/// </summary>
public sealed class JobFolders
{
    /// <summary>The policy of <paramref name="options"/> (<see cref="ServerOptions.OutputsDirectory"/>, <see cref="ServerOptions.InputDirectories"/>).</summary>
    public JobFolders(ServerOptions options)
    {
        Outputs = options.Outputs;
        Inputs = options.InputDirectories.Select(Path.GetFullPath).Select(Path.TrimEndingDirectorySeparator).ToList();
    }

    /// <summary>Augment jobs write below this folder (full path, as given).</summary>
    public string Outputs { get; }

    /// <summary>Jobs read from inside these folders or <see cref="Outputs"/>; empty: from any plausible folder.</summary>
    public IReadOnlyList<string> Inputs { get; }

    /// <summary>
    /// The data path of a job, resolved (symbolic links included); a 400 unless it is absolute and, when the host has
    /// input folders, inside one of them or the outputs folder.
    /// </summary>
    public string Data(string? given, string what)
    {
        if (given is not { Length: > 0 } || !Path.IsPathFullyQualified(given))
            throw Problems.BadRequest($"data must be the absolute path of {what} on the host's machine; got {(given is null ? "null" : $"'{given}'")}.");
        var data = RealPath(given);
        if (Inputs.Count == 0 || Inputs.Append(Outputs).Any(root => Within(RealPath(root), data))) return data;
        throw Problems.BadRequest($"the data '{given}'{Resolved(given, data)} is outside the folders this host reads jobs' data from " +
            $"({string.Join(", ", Inputs.Append(Outputs).Select(r => $"'{r}'"))}); move or link the data into one of them (links are followed).");
    }

    /// <summary>
    /// The output folder of an augment job, resolved (symbolic links included): a relative <paramref name="given"/> is taken
    /// under <see cref="Outputs"/>. A 400 unless it lies below the outputs folder, and outside <paramref name="data"/>
    /// (a folder of outputs inside its seed folder would be varied again by the next job on that folder).
    /// </summary>
    public string Output(string? given, string data)
    {
        if (given is not { Length: > 0 })
            throw Problems.BadRequest($"out must be a folder below this host's outputs folder '{Outputs}' (a relative path is taken there); got {(given is null ? "null" : "''")}.");
        var requested = Path.IsPathFullyQualified(given) ? given : Path.Combine(Outputs, given);
        var output = RealPath(requested);
        if (!FolderAugmentation.IsInside(RealPath(Outputs), output))
            throw Problems.BadRequest($"out '{given}'{Resolved(requested, output)} is not below this host's outputs folder '{Outputs}'; " +
                "give a folder there (a relative path is taken there), or start the host with --outputs DIR.");
        if (Within(data, output))
            throw Problems.BadRequest($"out '{given}' is inside the seed folder '{data}' (or is that folder); a later job on that folder would vary the outputs again. Choose a folder outside it.");
        return output;
    }

    /// <summary>True when <paramref name="path"/> is <paramref name="folder"/> or below it.</summary>
    private static bool Within(string folder, string path) => FolderAugmentation.Overlap(folder, path) && !FolderAugmentation.IsInside(path, folder);

    private static string Resolved(string requested, string resolved) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(requested)), resolved, StringComparison.Ordinal) ? "" : $" (which resolves to '{resolved}')";

    /// <summary>
    /// <paramref name="path"/> made absolute with every symbolic link among its existing parts replaced by what it leads to
    /// (as realpath(3) does); the parts that do not exist yet are kept as they are. At most 40 links are followed.
    /// </summary>
    public static string RealPath(string path)
    {
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
        var links = 0;
        while (true)
        {
            var root = Path.GetPathRoot(full)!;
            var parts = full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
            var current = root;
            string? restart = null;
            for (var i = 0; i < parts.Length && restart is null; i++)
            {
                var next = Path.Combine(current, parts[i]);
                var link = new FileInfo(next).LinkTarget is null ? null : File.ResolveLinkTarget(next, returnFinalTarget: false);
                if (link is not null)
                {
                    if (++links > 40) throw Problems.BadRequest($"'{path}' leads through more than 40 symbolic links.");
                    // The link's target (relative to the link's folder) with the rest of the path: resolved again from its root.
                    restart = Path.Combine([Path.GetFullPath(link.FullName), .. parts[(i + 1)..]]);
                }
                else if (!Path.Exists(next)) return Path.Combine([next, .. parts[(i + 1)..]]);
                else current = next;
            }
            if (restart is null) return current;
            full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(restart));
        }
    }
}
