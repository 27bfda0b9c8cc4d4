using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Audio.Midi;

public class MidiMelodyRoundTripTests
{
    [Fact]
    public void Encode_decode_encode_is_the_identity_on_quantised_melodies()
    {
        var random = new Random(1234);
        for (var i = 0; i < 300; i++)
        {
            var tokens = TestMelodies.Random(random, random.Next(1, 300), MelodyEncoding.MinPitch, MelodyEncoding.MaxPitch);
            var melody = new Melody(tokens, tempoQpm: 60 + random.Next(120));
            var bytes = MidiMelodyWriter.ToBytes(melody);
            var back = MidiMelodyReader.Read(bytes, $"melody{i}.mid");
            Assert.Equal(tokens, back.Tokens);
            Assert.Equal(melody.TempoQpm, back.TempoQpm, 1);
        }
    }

    [Fact]
    public void Time_signature_and_tempo_survive_a_round_trip()
    {
        var melody = new Melody(TestMelodies.Random(new Random(5), 48), 97, new TimeSignature(6, 8));
        var back = MidiMelodyReader.Read(MidiMelodyWriter.ToBytes(melody), "x.mid");
        Assert.Equal(new TimeSignature(6, 8), back.TimeSignature);
        Assert.Equal(97, back.TempoQpm, 1);
    }

    [Fact]
    public void Written_files_are_type_1_with_a_conductor_and_a_melody_track()
    {
        using var dir = new TempDir();
        var path = dir.File("m.mid");
        MidiMelodyWriter.Write(new Melody([MelodyEncoding.NoteOn(60), 0, 0, MelodyEncoding.NoteOff]), path);
        var file = new NAudio.Midi.MidiFile(path, false);
        Assert.Equal(1, file.FileFormat);
        Assert.Equal(2, file.Tracks);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }
}
