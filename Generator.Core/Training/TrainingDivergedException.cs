using System.Diagnostics;
using System.Text.Json;
using TorchSharp;
using TorchSharp.Modules;
using VaeCreative.Core.Checkpoints;
using VaeCreative.Core.Models;
using VaeCreative.Core.Objectives;
using VaeCreative.Core.Runtime;
using static TorchSharp.torch;

namespace VaeCreative.Core.Training;

/// <summary>The loss became NaN or infinite.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);
