using VaeCreative.Client;
using VaeCreative.Host.Server.Security;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Server.Security;

public class HostTokenFileTests
{
    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void A_new_token_file_is_0600_in_a_0700_folder()
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempDir();
        var file = Path.Combine(temp.Path, "config", "host.json");
        var token = HostTokenFile.LoadOrCreate(file);
        Assert.Equal(Private, File.GetUnixFileMode(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(file)!));
        Assert.Equal(token, HostTokenFile.LoadOrCreate(file)); // kept while private
        HostTokenFile.RecordUrl(file, token, "http://127.0.0.1:1");
        Assert.Equal(Private, File.GetUnixFileMode(file));
    }

    [Theory]
    [InlineData(UnixFileMode.GroupRead)]
    [InlineData(UnixFileMode.OtherRead)]
    [InlineData(UnixFileMode.OtherWrite)]
    public void A_token_file_other_users_could_read_gets_a_new_token_and_is_made_private(UnixFileMode extra)
    {
        if (OperatingSystem.IsWindows()) return;
        using var temp = new TempDir();
        var file = temp.File("host.json");
        var old = HostTokenFile.LoadOrCreate(file);
        File.SetUnixFileMode(file, Private | extra);
        string? warning = null;
        var token = HostTokenFile.LoadOrCreate(file, w => warning = w);
        Assert.NotEqual(old, token);
        Assert.Equal(token, HostConnection.Read(file).Token);
        Assert.Equal(Private, File.GetUnixFileMode(file));
        Assert.Contains("readable by other users", warning);
    }
}
