using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Augmentation;
using VaeCreative.Tests.Host.Server;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Server.Jobs;

/// <summary><c>POST /v1/jobs</c> with kind <c>augment</c>: a folder varied through the host's queue, with events and cancel.</summary>
public class AugmentJobTests
{
    /// <summary>A seed folder of <paramref name="tunes"/> Nottingham tunes (one in a subfolder) and a damaged MIDI file.</summary>
    private static string Seeds(RunningHost host, int tunes)
    {
        var seeds = Path.Combine(host.Folder, "seeds");
        Directory.CreateDirectory(Path.Combine(seeds, "sub"));
        var files = Directory.GetFiles(RepoPaths.RequireNottingham(), "*.mid").Order(StringComparer.Ordinal).Take(tunes).ToList();
        for (var i = 0; i < files.Count; i++)
            File.Copy(files[i], Path.Combine(seeds, i == 0 ? "sub" : "", Path.GetFileName(files[i])));
        File.WriteAllBytes(Path.Combine(seeds, "broken.mid"), "not MIDI at all"u8.ToArray());
        return seeds;
    }

    [Fact]
    public async Task An_augment_job_varies_a_folder_reports_progress_as_events_and_lists_what_it_skipped()
    {
        await using var host = await RunningHost.Start();
        var seeds = Seeds(host, 3);
        var output = Path.Combine(host.Folder, "augmented");
        var job = await host.Client.StartJobAsync(new JobRequest { Kind = JobKinds.Augment, Data = seeds, Out = output, Model = "melody-2bar", Count = 2, Rng = 5 });
        Assert.Equal(JobKinds.Augment, job.Kind);
        Assert.Equal(4, job.TotalSteps);

        var states = new List<JobState>();
        await foreach (var state in host.Client.WatchJobAsync(job.Id)) states.Add(state);
        var last = states[^1];
        Assert.True(last.State == "succeeded", $"job ended {last.State}: {last.Error}");
        Assert.Equal(4, last.Step);
        Assert.Equal(6, last.OutputsWritten);
        var skipped = Assert.Single(last.Skipped!);
        Assert.Equal("broken.mid", skipped.Path);
        var outputs = Directory.GetFiles(output, "*.mid", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(output, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(6, outputs.Count);
        Assert.Equal(2, outputs.Count(o => o.StartsWith("sub" + Path.DirectorySeparatorChar, StringComparison.Ordinal)));
        Assert.True(File.Exists(Path.Combine(output, FolderAugmentation.RecordFile)));

        // Again with the same settings: everything is done already.
        var again = await host.Client.StartJobAsync(new JobRequest { Kind = JobKinds.Augment, Data = seeds, Out = output, Model = "melody-2bar", Count = 2, Rng = 5 });
        Assert.Equal(3, again.AlreadyDone);
        await foreach (var _ in host.Client.WatchJobAsync(again.Id)) { }
        Assert.Equal(0, (await host.Client.GetJobAsync(again.Id)).OutputsWritten);
    }

    [Fact]
    public async Task Cancelling_stops_the_job_keeps_its_outputs_and_a_new_job_resumes_after_them()
    {
        // 200 tunes, one per pass: far more work than the moment between seeing progress and cancelling.
        await using var host = await RunningHost.Start(o => o with { MaxBatchRows = 16 });
        var seeds = Seeds(host, 200);
        var output = Path.Combine(host.Folder, "augmented");
        var request = new JobRequest { Kind = JobKinds.Augment, Data = seeds, Out = output, Model = "melody-2bar", Count = 2 };
        var job = await host.Client.StartJobAsync(request);
        await GenerationQueueTests.Until(() => host.Client.GetJobAsync(job.Id).Result is { } s && (s.Step >= 1 || s.Finished), 60_000);
        await host.Client.CancelJobAsync(job.Id);
        await GenerationQueueTests.Until(() => host.Client.GetJobAsync(job.Id).Result.Finished, 60_000);
        var cancelled = await host.Client.GetJobAsync(job.Id);
        Assert.Equal("cancelled", cancelled.State);
        var kept = Directory.GetFiles(output, "*.mid", SearchOption.AllDirectories).Length;
        Assert.True(kept is > 0 and < 400, $"{kept} outputs");
        Assert.Equal(kept, cancelled.OutputsWritten);
        Assert.Equal(0, kept % 2); // whole files only

        // A second job into an overlapping folder is refused while the first runs.
        var resumed = await host.Client.StartJobAsync(request);
        Assert.Equal(kept / 2, resumed.AlreadyDone);
        var overlapping = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.StartJobAsync(new JobRequest
        {
            Kind = JobKinds.Augment, Data = seeds, Out = Path.Combine(output, "sub"), Model = "melody-2bar", Count = 2,
        }));
        Assert.Equal(ProblemTypes.Conflict, overlapping.ProblemType);
        await host.Client.CancelJobAsync(resumed.Id);
        await GenerationQueueTests.Until(() => host.Client.GetJobAsync(resumed.Id).Result.Finished, 60_000);
    }

    [Fact]
    public async Task Bad_augment_requests_are_refused_before_any_work()
    {
        await using var host = await RunningHost.Start();
        var seeds = Seeds(host, 1);
        async Task<VaeCreativeException> Refused(JobRequest r) => await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.StartJobAsync(r));

        Assert.Contains("absolute path", (await Refused(new() { Kind = JobKinds.Augment, Data = "seeds", Out = Path.Combine(host.Folder, "o") })).Message);
        Assert.Contains("absolute path", (await Refused(new() { Kind = JobKinds.Augment, Data = seeds })).Message);
        Assert.Equal(ProblemTypes.UnknownModel, (await Refused(new() { Kind = JobKinds.Augment, Data = seeds, Out = Path.Combine(host.Folder, "o"), Model = "nope" })).ProblemType);
        var foreign = Path.Combine(host.Folder, "foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "keep.txt"), "mine");
        Assert.Contains("did not write", (await Refused(new() { Kind = JobKinds.Augment, Data = seeds, Out = foreign, Model = "melody-2bar" })).Message);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(foreign, "keep.txt")));
        Assert.Contains("similarity", (await Refused(new() { Kind = JobKinds.Augment, Data = seeds, Out = Path.Combine(host.Folder, "o"), Similarity = 2 })).Message);
        Assert.Contains("kind must be", (await Refused(new() { Kind = "compose", Data = seeds })).Message);
        Assert.False(Directory.Exists(Path.Combine(host.Folder, "o")));
    }
}
