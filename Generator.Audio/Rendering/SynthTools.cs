namespace VaeCreative.Audio.Rendering;

/// <summary>The fluidsynth program and the soundfont a render uses, found once before anything runs so a missing piece is named rather than met as a failed process.</summary>
/// <param name="FluidSynth">Full path of the fluidsynth executable.</param>
/// <param name="Soundfont">Full path of the soundfont.</param>
internal sealed record SynthTools(string FluidSynth, string Soundfont)
{
    /// <summary>
    /// Finds both pieces as <paramref name="options"/> ask, reading environment variables (PATH and
    /// <see cref="SoundfontSynthOptions.SoundfontVariable"/>) through <paramref name="environment"/> so tests need
    /// not change the process's own; throws <see cref="PreviewUnavailableException"/> naming every piece missing.
    /// </summary>
    public static SynthTools Locate(SoundfontSynthOptions options, Func<string, string?> environment, IReadOnlyList<string>? wellKnownSoundfonts = null)
    {
        var missing = new List<string>();
        var fluidSynth = FindProgram(options.FluidSynthPath, environment("PATH"));
        if (fluidSynth is null)
            missing.Add(IsPath(options.FluidSynthPath) ? $"fluidsynth at {options.FluidSynthPath}" : $"{options.FluidSynthPath} (not on PATH)");

        string? soundfont;
        if (!string.IsNullOrWhiteSpace(options.SoundfontPath))
        {
            soundfont = File.Exists(options.SoundfontPath) ? Path.GetFullPath(options.SoundfontPath) : null;
            if (soundfont is null) missing.Add($"the soundfont {options.SoundfontPath} (given as the soundfont path)");
        }
        else if (environment(SoundfontSynthOptions.SoundfontVariable) is { Length: > 0 } fromVariable)
        {
            soundfont = File.Exists(fromVariable) ? Path.GetFullPath(fromVariable) : null;
            if (soundfont is null) missing.Add($"the soundfont {fromVariable} (named by {SoundfontSynthOptions.SoundfontVariable})");
        }
        else
        {
            var candidates = wellKnownSoundfonts ?? SoundfontSynthOptions.WellKnownSoundfonts;
            // File.Exists follows links, so a dangling default-GM.sf2 alternative does not count.
            soundfont = candidates.FirstOrDefault(File.Exists);
            if (soundfont is null) missing.Add($"a General MIDI soundfont (looked for {string.Join(", ", candidates)})");
        }

        if (missing.Count > 0) throw new PreviewUnavailableException(missing);
        return new SynthTools(fluidSynth!, soundfont!);
    }

    private static bool IsPath(string program) =>
        program.Contains(Path.DirectorySeparatorChar) || program.Contains(Path.AltDirectorySeparatorChar);

    /// <summary>The executable <paramref name="program"/> names: itself when it is a path, else the first match on <paramref name="searchPath"/>.</summary>
    private static string? FindProgram(string program, string? searchPath)
    {
        if (IsPath(program)) return IsExecutable(program) ? Path.GetFullPath(program) : null;
        var names = OperatingSystem.IsWindows() && !program.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? [program + ".exe", program] : new[] { program };
        foreach (var directory in (searchPath ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            foreach (var name in names)
            {
                var candidate = Path.Combine(directory, name);
                if (IsExecutable(candidate)) return Path.GetFullPath(candidate);
            }
        return null;
    }

    private static bool IsExecutable(string path)
    {
        if (!File.Exists(path)) return false;
        if (OperatingSystem.IsWindows()) return true;
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
