using VaeCreative.Audio.Models;
using VaeCreative.Core.Models;
using VaeCreative.Image.Models;
using VaeCreative.Text.Models;

namespace VaeCreative.Tests.Support;

/// <summary>Every model kind of this build, for tests that load models without a service provider (Core knows none itself).</summary>
public static class TestModelKinds
{
    /// <summary>The audio, image and text kinds, as the host's registrations add them.</summary>
    public static ModelKindRegistry All { get; } = new ModelKindRegistry().AddAudioKinds().AddImageKinds().AddTextKinds();
}
