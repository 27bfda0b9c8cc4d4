#nullable enable
using System.Collections.Generic;

namespace VaeCreative.Client.Contracts
{
    /// <summary>The folders on the host's machine that jobs may write into and read from (the host's policy; the CLI has none).</summary>
    public sealed class FoldersInfo
    {
        /// <summary>Augment jobs write below this folder; a relative <c>out</c> is taken under it.</summary>
        public string Outputs { get; set; } = "";

        /// <summary>Training jobs write new models here; null when the host has no models folder (it cannot train).</summary>
        public string? Models { get; set; }

        /// <summary>Jobs read <c>data</c> from inside these folders or the outputs folder; empty: from any folder but a file-system root, a system folder or a home folder.</summary>
        public List<string> Inputs { get; set; } = new List<string>();
    }
}
