using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Core.Augmentation;
using VaeCreative.Tests.Host.Server;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Server.Jobs;

/// <summary><c>POST /v1/jobs</c> with kind <c>augment</c>: a folder varied through the host's queue, with events and cancel.</summary>
public class AugmentJobTests
{
    /// <summary>A seed folder of <paramref name="tunes"/> Nottingham tunes (one in a subfolder) and a damaged MIDI file (in <paramref name="folder"/>, else the host's folder).</summary>
    private static string Seeds(RunningHost host, int tunes, string? folder = null)
    {
        var seeds = folder ?? Path.Combine(host.Folder, "seeds");
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
        var output = Path.Combine(host.OutputsFolder, "augmented");
        var job = await host.Client.StartJobAsync(new JobRequest { Kind = JobKinds.Augment, Data = seeds, Out = output, Model = "melody-2bar", Count = 2, Rng = 5 });
        Assert.Equal(JobKinds.Augment, job.Kind);
        Assert.Equal(4, job.TotalSteps);

        var states = new List<JobState>();
        await foreach (var state in host.Client.WatchJobAsync(job.Id)) states.Add(state);
        var last = states[^1];
        Assert.True(last.State == JobStatus.Succeeded, $"job ended {last.State}: {last.Error}");
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
        var output = Path.Combine(host.OutputsFolder, "augmented");
        var request = new JobRequest { Kind = JobKinds.Augment, Data = seeds, Out = output, Model = "melody-2bar", Count = 2 };
        var job = await host.Client.StartJobAsync(request);
        await GenerationQueueTests.Until(() => host.Client.GetJobAsync(job.Id).Result is { } s && (s.Step >= 1 || s.Finished), 60_000);
        await host.Client.CancelJobAsync(job.Id);
        await GenerationQueueTests.Until(() => host.Client.GetJobAsync(job.Id).Result.Finished, 60_000);
        var cancelled = await host.Client.GetJobAsync(job.Id);
        Assert.Equal(JobStatus.Cancelled, cancelled.State);
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

        Assert.Contains("absolute path", (await Refused(new() { Kind = JobKinds.Augment, Data = "seeds", Out = Path.Combine(host.OutputsFolder, "o") })).Message);
        Assert.Contains("outputs folder", (await Refused(new() { Kind = JobKinds.Augment, Data = seeds })).Message);
        Assert.Equal(ProblemTypes.UnknownModel, (await Refused(new() { Kind = JobKinds.Augment, Data = seeds, Out = Path.Combine(host.OutputsFolder, "o"), Model = "nope" })).ProblemType);
        var foreign = Path.Combine(host.OutputsFolder, "foreign");
        Directory.CreateDirectory(foreign);
        File.WriteAllText(Path.Combine(foreign, "keep.txt"), "mine");
        Assert.Contains("did not write", (await Refused(new() { Kind = JobKinds.Augment, Data = seeds, Out = foreign, Model = "melody-2bar" })).Message);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(foreign, "keep.txt")));
        Assert.Contains("similarity", (await Refused(new() { Kind = JobKinds.Augment, Data = seeds, Out = Path.Combine(host.OutputsFolder, "o"), Similarity = 2 })).Message);
        Assert.Contains("kind must be", (await Refused(new() { Kind = "compose", Data = seeds })).Message);
        Assert.False(Directory.Exists(Path.Combine(host.OutputsFolder, "o")));
    }

    [Fact]
    public async Task Out_must_resolve_below_the_outputs_folder_and_outside_the_seed_folder_and_a_relative_out_is_taken_there()
    {
        await using var host = await RunningHost.Start();
        var seeds = Seeds(host, 1);
        async Task<VaeCreativeException> Refused(string output, string? data = null) =>
            await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.StartJobAsync(new JobRequest { Kind = JobKinds.Augment, Data = data ?? seeds, Out = output, Count = 1 }));
        var info = await host.Client.InfoAsync();
        Assert.Equal(host.OutputsFolder, info.Folders.Outputs);
        Assert.Equal(host.ModelsFolder, info.Folders.Models);
        Assert.Empty(info.Folders.Inputs);

        // Outside the outputs folder (the probe's /etc and ~/.ssh): a 400 naming the folder, and nothing made there.
        var elsewhere = Path.Combine(host.Folder, "elsewhere");
        var outside = await Refused(elsewhere);
        Assert.Equal(ProblemTypes.BadRequest, outside.ProblemType);
        Assert.Equal(400, outside.Status);
        Assert.Contains(host.OutputsFolder, outside.Message);
        Assert.Contains(host.OutputsFolder, (await Refused(Path.Combine(host.OutputsFolder, "..", "sneaky"))).Message);
        Assert.Contains(host.OutputsFolder, (await Refused(host.OutputsFolder)).Message); // below it, not the folder itself
        // Through a symbolic link inside the outputs folder that leads out of it.
        Directory.CreateDirectory(host.OutputsFolder);
        var target = Path.Combine(host.Folder, "link-target");
        Directory.CreateDirectory(target);
        Directory.CreateSymbolicLink(Path.Combine(host.OutputsFolder, "escape"), target);
        Assert.Contains(host.OutputsFolder, (await Refused(Path.Combine(host.OutputsFolder, "escape", "x"))).Message);
        Assert.False(Directory.Exists(elsewhere));
        Assert.Empty(Directory.GetFileSystemEntries(target));

        // Inside (or equal to) its own seed folder: the next job on that folder would vary the outputs again.
        var inner = Seeds(host, 1, Path.Combine(host.OutputsFolder, "inner-seeds"));
        var inside = await Refused(Path.Combine(inner, "augmented"), inner);
        Assert.Equal(ProblemTypes.BadRequest, inside.ProblemType);
        Assert.Contains("seed folder", inside.Message);
        Assert.False(Directory.Exists(Path.Combine(inner, "augmented")));

        // A relative out is taken under the outputs folder; the job says where; folders get the umask's mode, no wider.
        var job = await host.Client.StartJobAsync(new JobRequest { Kind = JobKinds.Augment, Data = seeds, Out = "tunes/varied", Count = 1 });
        var output = Path.Combine(host.OutputsFolder, "tunes", "varied");
        Assert.Equal(output, job.Out);
        await foreach (var _ in host.Client.WatchJobAsync(job.Id)) { }
        var done = await host.Client.GetJobAsync(job.Id);
        Assert.True(done.State == JobStatus.Succeeded, $"job ended {done.State}: {done.Error}");
        Assert.Equal(output, done.Out);
        Assert.Single(Directory.GetFiles(output, "*.mid", SearchOption.AllDirectories)); // one tune (and the damaged file, skipped)
        if (!OperatingSystem.IsWindows())
        {
            var reference = Directory.CreateDirectory(Path.Combine(host.Folder, "umask-reference")).UnixFileMode;
            Assert.Equal(reference, File.GetUnixFileMode(Path.Combine(host.OutputsFolder, "tunes")));
            Assert.Equal(reference, File.GetUnixFileMode(output));
        }
    }

    [Fact]
    public async Task While_an_augment_job_runs_no_job_writes_into_its_folders_or_reads_its_outputs()
    {
        // 200 tunes, one per pass: the job runs for far longer than the requests below take.
        await using var host = await RunningHost.Start(o => o with { MaxBatchRows = 16 });
        var seeds = Seeds(host, 200, Path.Combine(host.OutputsFolder, "running-seeds"));
        var output = Path.Combine(host.OutputsFolder, "running-out");
        var running = await host.Client.StartJobAsync(new JobRequest { Kind = JobKinds.Augment, Data = seeds, Out = output, Model = "melody-2bar", Count = 2 });
        await GenerationQueueTests.Until(() => host.Client.GetJobAsync(running.Id).Result is { } s && (s.Step >= 1 || s.Finished), 60_000);
        Assert.False((await host.Client.GetJobAsync(running.Id)).Finished);
        async Task Conflict(JobRequest request, string says)
        {
            var refused = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.StartJobAsync(request));
            Assert.True(refused.ProblemType == ProblemTypes.Conflict, $"{refused.ProblemType}: {refused.Message}");
            Assert.Equal(409, refused.Status);
            Assert.Contains(running.Id, refused.Message);
            Assert.Contains(says, refused.Message);
        }

        // The same output folder with other settings: the running job's, so 409 (not the 400 for an earlier run's settings).
        await Conflict(new JobRequest { Kind = JobKinds.Augment, Data = seeds, Out = output, Model = "melody-2bar", Count = 3 }, output);
        // Its output folder as data: half-written, so 409 (not a job that "succeeds" with the files there so far).
        var other = Path.Combine(host.OutputsFolder, "other");
        await Conflict(new JobRequest { Kind = JobKinds.Augment, Data = output, Out = other, Model = "melody-2bar" }, output);
        await Conflict(new JobRequest { Data = output, ModelId = "half", Steps = 1, Size = "small" }, output);
        // An output folder inside the folder it reads.
        await Conflict(new JobRequest { Kind = JobKinds.Augment, Data = Seeds(host, 1), Out = Path.Combine(seeds, "more"), Model = "melody-2bar" }, seeds);
        Assert.False(Directory.Exists(other));
        Assert.False(Directory.Exists(Path.Combine(seeds, "more")));
        Assert.False(Directory.Exists(Path.Combine(host.ModelsFolder, "half")));

        await host.Client.CancelJobAsync(running.Id);
        await GenerationQueueTests.Until(() => host.Client.GetJobAsync(running.Id).Result.Finished, 60_000);
    }

    [Fact]
    public async Task Data_must_resolve_inside_the_input_folders_or_the_outputs_folder_when_the_host_has_input_folders()
    {
        await using var host = await RunningHost.Start(o => o with { InputDirectories = [Path.Combine(Path.GetDirectoryName(o.TokenFile!)!, "inputs")] });
        var inputs = Path.Combine(host.Folder, "inputs");
        Assert.Equal([inputs], (await host.Client.InfoAsync()).Folders.Inputs);
        var seeds = Seeds(host, 1);
        async Task<VaeCreativeException> Refused(JobRequest request) => await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.StartJobAsync(request));

        var outside = await Refused(new JobRequest { Kind = JobKinds.Augment, Data = seeds, Out = "a", Count = 1 });
        Assert.Equal(ProblemTypes.BadRequest, outside.ProblemType);
        Assert.Contains(inputs, outside.Message);
        Assert.Contains(host.OutputsFolder, outside.Message);
        Assert.Contains(inputs, (await Refused(new JobRequest { Data = seeds, ModelId = "outside", Steps = 1, Size = "small" })).Message);
        Directory.CreateDirectory(inputs);
        Directory.CreateSymbolicLink(Path.Combine(inputs, "link"), seeds);
        Assert.Contains(inputs, (await Refused(new JobRequest { Kind = JobKinds.Augment, Data = Path.Combine(inputs, "link"), Out = "b", Count = 1 })).Message);
        Assert.False(Directory.Exists(host.OutputsFolder));

        foreach (var data in new[] { Seeds(host, 1, Path.Combine(inputs, "seeds")), Seeds(host, 1, Path.Combine(host.OutputsFolder, "seeds")) })
        {
            var job = await host.Client.StartJobAsync(new JobRequest { Kind = JobKinds.Augment, Data = data, Out = "from-" + Path.GetFileName(Path.GetDirectoryName(data)), Count = 1 });
            await foreach (var _ in host.Client.WatchJobAsync(job.Id)) { }
            var done = await host.Client.GetJobAsync(job.Id);
            Assert.True(done.State == JobStatus.Succeeded, $"job ended {done.State}: {done.Error}");
        }
    }
}
