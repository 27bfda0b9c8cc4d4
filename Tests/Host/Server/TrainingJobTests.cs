using VaeCreative.Audio.Melodies;
using VaeCreative.Audio.Midi;
using VaeCreative.Client;
using VaeCreative.Client.Contracts;
using VaeCreative.Image.Imaging;
using VaeCreative.Tests.Image.Training;
using VaeCreative.Tests.Support;

namespace VaeCreative.Tests.Host.Server;

public class TrainingJobTests
{
    [Fact]
    public async Task A_job_trains_a_model_that_is_then_served_and_its_events_end_with_the_final_state()
    {
        await using var host = await RunningHost.Start();
        var data = MakeData(host.Folder);
        var job = await host.Client.StartJobAsync(new JobRequest { Data = data, ModelId = "tiny", Steps = 4, Batch = 8, Size = "small" });
        var states = new List<JobState>();
        await foreach (var state in host.Client.WatchJobAsync(job.Id)) states.Add(state);
        var last = states[^1];
        Assert.True(last.State == JobStatus.Succeeded, $"job ended {last.State}: {last.Error}");
        Assert.Equal(4, last.Step);
        Assert.NotNull(last.Loss);

        var models = await host.Client.ListModelsAsync();
        Assert.Contains(models, m => m.Id == "tiny" && !m.Default);
        var seed = File.ReadAllBytes(RepoPaths.SeedMelody);
        var outputs = await host.Client.VaryMidiAsync("tiny", seed, count: 2);
        Assert.Equal(2, outputs.Count);

        var again = await Assert.ThrowsAsync<VaeCreativeException>(() =>
            host.Client.StartJobAsync(new JobRequest { Data = data, ModelId = "tiny", Steps = 1 }));
        Assert.Equal(ProblemTypes.Conflict, again.ProblemType);
    }

    [Fact]
    public async Task Cancelling_a_job_stops_only_that_job_and_leaves_no_model_behind()
    {
        await using var host = await RunningHost.Start();
        var data = MakeData(host.Folder);
        var job = await StartEndlessJob(host, data, "never");
        await UntilTraining(host, job);
        // A work folder that takes a while to delete (as on a busy machine): 'cancelled' must come only once it is gone.
        var work = Assert.Single(Directory.GetDirectories(host.ModelsFolder, ".training-*"));
        for (var d = 0; d < 20; d++)
        {
            var sub = Directory.CreateDirectory(Path.Combine(work, $"slow{d}")).FullName;
            for (var f = 0; f < 150; f++) File.WriteAllBytes(Path.Combine(sub, $"{f}.bin"), [1]);
        }
        await host.Client.CancelJobAsync(job.Id);
        await GenerationQueueTests.Until(() => host.Client.GetJobAsync(job.Id).Result.Finished, 30_000);
        Assert.Empty(Directory.GetDirectories(host.ModelsFolder));
        Assert.Equal(JobStatus.Cancelled, (await host.Client.GetJobAsync(job.Id)).State);
        Assert.DoesNotContain(await host.Client.ListModelsAsync(), m => m.Id == "never");
        Assert.Equal(4, (await host.Client.SampleAsync("melody-2bar", new SamplesRequest { Count = 4 })).Outputs.Count);

        var unknown = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.GetJobAsync("nope"));
        Assert.Equal(ProblemTypes.UnknownJob, unknown.ProblemType);
    }

    [Fact]
    public async Task Jobs_train_one_at_a_time_and_a_queued_job_starts_when_the_running_one_ends()
    {
        await using var host = await RunningHost.Start();
        var data = MakeData(host.Folder);
        var first = await StartEndlessJob(host, data, "first");
        var second = await host.Client.StartJobAsync(new JobRequest { Data = data, ModelId = "second", Steps = 3, Batch = 8, Size = "small" });
        await UntilTraining(host, first);
        Assert.Equal(JobStatus.Queued, (await host.Client.GetJobAsync(second.Id)).State);
        await host.Client.CancelJobAsync(first.Id);
        await GenerationQueueTests.Until(() => host.Client.GetJobAsync(second.Id).Result.Finished, 60_000);
        Assert.Equal(JobStatus.Succeeded, (await host.Client.GetJobAsync(second.Id)).State);
        Assert.Equal(JobStatus.Cancelled, (await host.Client.GetJobAsync(first.Id)).State);
    }

    [Fact]
    public async Task Stopping_the_host_cancels_training_and_leaves_no_half_written_model()
    {
        var host = await RunningHost.Start();
        var models = host.ModelsFolder;
        try
        {
            var data = MakeData(host.Folder);
            await UntilTraining(host, await StartEndlessJob(host, data, "interrupted"));
            await host.Server.DisposeAsync();
            Assert.Empty(Directory.GetDirectories(models)); // neither the model nor its hidden work folder
            Assert.Null(HostConnection.Read(host.TokenFile).Url);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_model_directory_added_while_running_is_served_without_restart()
    {
        await using var host = await RunningHost.Start();
        Assert.DoesNotContain(await host.Client.ListModelsAsync(), m => m.Id == "copy");
        var target = Path.Combine(host.ModelsFolder, "copy");
        Directory.CreateDirectory(target);
        foreach (var file in new[] { "manifest.json", "model.weights" })
            File.Copy(Path.Combine(RepoPaths.DefaultMelodyModel, file), Path.Combine(target, file));
        Assert.Contains(await host.Client.ListModelsAsync(), m => m.Id == "copy");
        Assert.Single((await host.Client.SampleAsync("copy", new SamplesRequest { Count = 1 })).Outputs);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/proc")]
    [InlineData("/proc/self")]
    [InlineData("/etc")]
    [InlineData("/usr/")]
    [InlineData("/dev")]
    public async Task A_system_folder_as_data_is_refused_at_once(string data)
    {
        if (OperatingSystem.IsWindows()) return;
        await using var host = await RunningHost.Start();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsAsync<VaeCreativeException>(() =>
            host.Client.StartJobAsync(new JobRequest { Data = data, ModelId = "everything", Steps = 1 }));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(400, e.Status);
        Assert.Equal(ProblemTypes.BadRequest, e.ProblemType);
        Assert.Contains(data, e.Problem!.Detail);
        Assert.Contains("pass a folder of training files", e.Problem.Detail);
    }

    [Fact]
    public async Task A_size_the_modality_does_not_have_is_refused_naming_its_sizes()
    {
        await using var host = await RunningHost.Start();
        var data = MakeData(host.Folder);
        var e = await Assert.ThrowsAsync<VaeCreativeException>(() =>
            host.Client.StartJobAsync(new JobRequest { Modality = "melody", Data = data, ModelId = "lm", Steps = 1, Size = "lm" }));
        Assert.Equal(400, e.Status);
        Assert.Equal(ProblemTypes.BadRequest, e.ProblemType);
        Assert.Equal("size must be one of default, small, flat16, hier16 for melody models; got 'lm'.", e.Problem!.Detail);
    }

    [Fact]
    public async Task Work_folders_left_by_a_host_that_died_are_removed_at_start_and_a_live_hosts_are_kept()
    {
        var folder = Path.Combine(Path.GetTempPath(), "vaecreative-leftovers-" + Guid.NewGuid().ToString("N")[..8]);
        var models = Path.Combine(folder, "models");
        using var exited = System.Diagnostics.Process.Start("true")!;
        await exited.WaitForExitAsync();
        var dead = Path.Combine(models, $".training-{exited.Id}-0123456789ab");
        var legacy = Path.Combine(models, ".training-ba9876543210");
        var live = Path.Combine(models, ".training-1-aaaaaaaaaaaa"); // pid 1 is always running: another host's job
        // A dead host that had this process's pid (containers reuse pids): nothing of this host exists before it starts.
        var samePid = Path.Combine(models, $".training-{Environment.ProcessId}-fedcba987654");
        foreach (var d in new[] { dead, legacy, live, samePid }) File.WriteAllText(Path.Combine(Directory.CreateDirectory(d).FullName, "checkpoint.bin"), "x");
        try
        {
            await using var server = await VaeCreative.Host.Server.GeneratorServer.StartAsync(new VaeCreative.Host.Server.ServerOptions
            {
                Url = "http://127.0.0.1:0", TokenFile = Path.Combine(folder, "host.json"), ModelsDirectory = models, Threads = 1,
            });
            Assert.False(Directory.Exists(dead));
            Assert.False(Directory.Exists(legacy));
            Assert.False(Directory.Exists(samePid));
            Assert.True(Directory.Exists(live));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task An_image_job_takes_the_modality_settings_and_bad_ones_are_refused_before_it_starts()
    {
        await using var host = await RunningHost.Start();
        // One sprite sheet of 72 16-pixel sprites, 8 to a row: trainable only when cut into tiles.
        var data = Directory.CreateDirectory(Path.Combine(host.Folder, "sheets")).FullName;
        const int side = 16, columns = 8, rows = 9;
        var sheet = new byte[4 * columns * side * rows * side];
        for (var i = 0; i < columns * rows; i++)
        {
            var sprite = TinyImageRun.Sprite(i);
            for (var y = 0; y < side; y++)
                Array.Copy(sprite.Rgba, 4 * y * side, sheet, 4 * (((i / columns) * side + y) * columns * side + (i % columns) * side), 4 * side);
        }
        File.WriteAllBytes(Path.Combine(data, "sheet.png"), ImageEncoder.Png(new RgbaImage(columns * side, rows * side, sheet)));

        var job = await host.Client.StartJobAsync(new JobRequest
        {
            Modality = "image", Data = data, ModelId = "my-sprites", Steps = 3, Batch = 8, Size = "small",
            Settings = new() { ["tile"] = "16", ["flip"] = "true" },
        });
        await GenerationQueueTests.Until(() => host.Client.GetJobAsync(job.Id).Result.Finished, 60_000);
        var done = await host.Client.GetJobAsync(job.Id);
        Assert.True(done.State == JobStatus.Succeeded, $"job ended {done.State}: {done.Error}");
        var manifest = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(host.ModelsFolder, "my-sprites", "manifest.json")))!;
        Assert.Equal(16, manifest["model"]!["side"]!.GetValue<int>());
        Assert.Equal("16", manifest["training"]!["settings"]!["settings"]!["tile"]!.GetValue<string>());
        var outputs = await host.Client.VaryImageAsync("my-sprites", ImageEncoder.Png(TinyImageRun.Sprite(5)), count: 2);
        Assert.Equal(2, outputs.Count);

        async Task<string> Refused(string modality, Dictionary<string, string> settings)
        {
            var e = await Assert.ThrowsAsync<VaeCreativeException>(() => host.Client.StartJobAsync(new JobRequest
            {
                Modality = modality, Data = data, ModelId = "refused", Steps = 1, Settings = settings,
            }));
            Assert.Equal(400, e.Status);
            Assert.Equal(ProblemTypes.BadRequest, e.ProblemType);
            return e.Problem!.Detail!;
        }
        Assert.Equal("--tile must be between 4 and 512; got 3.", await Refused("image", new() { ["tile"] = "3" }));
        Assert.Equal("--flip must be true or false; got 'yes'.", await Refused("image", new() { ["flip"] = "yes" }));
        Assert.Equal("image training takes no setting 'tiles'; its settings are tile, imageSize, likelihood, flip.",
            await Refused("image", new() { ["tiles"] = "16" }));
        Assert.Equal("melody training takes no settings; got 'tile'.", await Refused("melody", new() { ["tile"] = "16" }));
        Assert.False(Directory.Exists(Path.Combine(host.ModelsFolder, "refused")));
    }

    /// <summary>A job far too long to finish during a test.</summary>
    private static Task<JobState> StartEndlessJob(RunningHost host, string data, string modelId) =>
        host.Client.StartJobAsync(new JobRequest { Data = data, ModelId = modelId, Steps = 100_000, Batch = 8, Size = "small" });

    private static Task UntilTraining(RunningHost host, JobState job) =>
        GenerationQueueTests.Until(() => host.Client.GetJobAsync(job.Id).Result.Step > 0, 60_000);

    /// <summary>Twelve random melodies under <paramref name="folder"/>/data: a training folder a tiny job reads.</summary>
    internal static string MakeData(string folder)
    {
        var data = Path.Combine(folder, "data");
        Directory.CreateDirectory(data);
        var random = new Random(5);
        for (var i = 0; i < 12; i++)
            MidiMelodyWriter.Write(new Melody(TestMelodies.Random(random, 96)), Path.Combine(data, $"tune{i}.mid"));
        return data;
    }
}
