// The part every VaeCreative component shares: the connection to a running host, the count and similarity of a
// request, and one way to run a request (cancelled with the component, failures logged). Part of the Unity package
// com.vaecreative.client (its README.md says how to set it up).
using System;
using System.Threading;
using System.Threading.Tasks;
using UnityEngine;
using VaeCreative.Client;

namespace VaeCreative.Unity
{
    /// <summary>A component that asks a running VaeCreative host for material (subclasses say which).</summary>
    public abstract class VaeCreativeHostComponent : MonoBehaviour
    {
        [Range(1, 64)] public int count = 8;
        [Range(0f, 1f)] public float similarity = 0.75f;

        [Tooltip("Leave empty to read URL and token from the host's connection file.")]
        public string hostUrl = "";
        public string token = "";

        private readonly CancellationTokenSource cancel = new CancellationTokenSource();
        private VaeCreativeClient client;

        /// <summary>
        /// The client, connected on first use (<see cref="hostUrl"/> and <see cref="token"/>, or the connection file), so
        /// a host started after the scene is still found.
        /// </summary>
        protected VaeCreativeClient Client => client ??= string.IsNullOrEmpty(hostUrl)
            ? VaeCreativeClient.FromConnectionFile()
            : new VaeCreativeClient(new Uri(hostUrl), token);

        /// <summary>
        /// Runs <paramref name="request"/> with a fresh random seed and the component's cancellation. Every failure (no
        /// host, a refusal with its problem type, an unreadable seed) is logged, never thrown into Unity's loop; a
        /// cancellation (the component was destroyed) is not logged. Unity's synchronization context resumes on the
        /// main thread.
        /// </summary>
        protected async void Run(Func<long, CancellationToken, Task> request)
        {
            try
            {
                await request(UnityEngine.Random.Range(0, int.MaxValue), cancel.Token);
            }
            catch (OperationCanceledException) { }
            catch (VaeCreativeException e)
            {
                Debug.LogError($"VaeCreative: {e.Message}{(e.ProblemType != null ? $" ({e.ProblemType})" : "")}");
            }
            catch (Exception e)
            {
                Debug.LogError($"VaeCreative: {e.GetType().Name}: {e.Message}");
            }
        }

        /// <summary>Drops a request in flight (the host never runs it if it was still queued) and closes the client.</summary>
        protected virtual void OnDestroy()
        {
            cancel.Cancel();
            client?.Dispose();
        }
    }
}
