using VaeCreative.Audio.Melodies;

namespace VaeCreative.Tests.Support;

public static class TestMelodies
{
    /// <summary>Copies the bundled seed melody to <paramref name="path"/>, creating its folder (a MIDI file for corpus tests).</summary>
    public static void WriteSeedMidi(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Copy(RepoPaths.SeedMelody, path);
    }

    /// <summary>A random melody in canonical form: note-offs only after a sounding note.</summary>
    public static int[] Random(Random random, int steps, int lowPitch = 48, int highPitch = 84)
    {
        var tokens = new int[steps];
        var sounding = false;
        for (var t = 0; t < steps; t++)
        {
            var r = random.NextDouble();
            if (r < 0.35)
            {
                tokens[t] = MelodyEncoding.NoteOn(random.Next(lowPitch, highPitch + 1));
                sounding = true;
            }
            else if (r < 0.5 && sounding)
            {
                tokens[t] = MelodyEncoding.NoteOff;
                sounding = false;
            }
        }
        if (!tokens.Any(MelodyEncoding.IsNoteOn)) tokens[0] = MelodyEncoding.NoteOn(60);
        return tokens;
    }

    private static readonly Lazy<MelodyCorpus> Corpus = new(() => MelodyCorpus.Load(RepoPaths.RequireNottingham()));

    /// <summary>The Nottingham corpus, read once per test run.</summary>
    public static MelodyCorpus Nottingham => Corpus.Value;
}
