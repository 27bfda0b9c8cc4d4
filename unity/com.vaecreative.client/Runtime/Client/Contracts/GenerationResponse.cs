#nullable enable
namespace VaeCreative.Client.Contracts
{
    /// <summary>Answer to a generation request.</summary>
    public sealed class GenerationResponse
    {
        /// <summary>The request's id (the caller's, or one the host made).</summary>
        public string RequestId { get; set; } = "";

        /// <summary>Model that produced the outputs.</summary>
        public string Model { get; set; } = "";

        /// <summary>The outputs, in order.</summary>
        public System.Collections.Generic.List<Material> Outputs { get; set; } = new System.Collections.Generic.List<Material>();

        /// <summary>How many requests shared the model pass that served this one (1 = ran alone).</summary>
        public int BatchedRequests { get; set; }

        /// <summary>Milliseconds from arrival to answer, as the host measured them.</summary>
        public double ElapsedMs { get; set; }
    }
}
