#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>A seed file an augment job skipped.</summary>
    public sealed class SkippedSeed
    {
        /// <summary>The file, relative to the seed folder ('/' separators).</summary>
        public string Path { get; set; } = "";

        /// <summary>Why it could not be read.</summary>
        public string Reason { get; set; } = "";
    }
}
