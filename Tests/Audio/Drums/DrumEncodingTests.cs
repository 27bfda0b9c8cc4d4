using VaeCreative.Audio.Drums;

namespace VaeCreative.Tests.Audio.Drums;

public class DrumEncodingTests
{
    public static TheoryData<int, int> Table => new()
    {
        { 36, 0 }, { 35, 0 },
        { 38, 1 }, { 27, 1 }, { 28, 1 }, { 31, 1 }, { 32, 1 }, { 33, 1 }, { 34, 1 }, { 37, 1 }, { 39, 1 }, { 40, 1 }, { 56, 1 }, { 65, 1 }, { 66, 1 }, { 75, 1 }, { 85, 1 },
        { 42, 2 }, { 44, 2 }, { 54, 2 }, { 68, 2 }, { 69, 2 }, { 70, 2 }, { 71, 2 }, { 73, 2 }, { 78, 2 }, { 80, 2 },
        { 46, 3 }, { 67, 3 }, { 72, 3 }, { 74, 3 }, { 79, 3 }, { 81, 3 },
        { 45, 4 }, { 29, 4 }, { 41, 4 }, { 61, 4 }, { 64, 4 }, { 84, 4 },
        { 48, 5 }, { 47, 5 }, { 60, 5 }, { 63, 5 }, { 77, 5 }, { 86, 5 }, { 87, 5 },
        { 50, 6 }, { 30, 6 }, { 43, 6 }, { 62, 6 }, { 76, 6 }, { 83, 6 },
        { 49, 7 }, { 55, 7 }, { 57, 7 }, { 58, 7 },
        { 51, 8 }, { 52, 8 }, { 53, 8 }, { 59, 8 }, { 82, 8 },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Every_pitch_of_the_table_has_its_class(int pitch, int drumClass) => Assert.Equal(drumClass, DrumEncoding.ClassOf(pitch));

    [Fact]
    public void Other_pitches_are_ignored_and_the_first_pitch_is_written_back()
    {
        var inTable = Table.Select(row => (int)row[0]).ToHashSet();
        Assert.Equal(61, inTable.Count);
        for (var pitch = 0; pitch < 128; pitch++)
            if (!inTable.Contains(pitch)) Assert.Null(DrumEncoding.ClassOf(pitch));
        Assert.Equal([36, 38, 42, 46, 45, 48, 50, 49, 51], Enumerable.Range(0, 9).Select(DrumEncoding.PitchOf));
        Assert.Null(DrumEncoding.ClassOf(-1));
        Assert.Null(DrumEncoding.ClassOf(128));
    }

    [Fact]
    public void All_512_tokens_round_trip_through_their_classes()
    {
        Assert.Equal(512, DrumEncoding.Classes);
        for (var token = 0; token < DrumEncoding.Classes; token++)
            Assert.Equal(token, DrumEncoding.TokenOf(DrumEncoding.ClassesOf(token)));
        Assert.Throws<ArgumentOutOfRangeException>(() => DrumEncoding.ClassesOf(512).ToList());
        Assert.Throws<ArgumentOutOfRangeException>(() => DrumEncoding.TokenOf([9]));
    }
}
