#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>The kinds of job <c>POST /v1/jobs</c> starts.</summary>
    public static class JobKinds
    {
        /// <summary>Train a new model.</summary>
        public const string Train = "train";

        /// <summary>Vary every file of a folder into another (data augmentation).</summary>
        public const string Augment = "augment";
    }
}
