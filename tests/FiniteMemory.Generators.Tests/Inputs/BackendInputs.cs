namespace FiniteMemory.Generators.Tests.Inputs;

/// <summary>Backend declarations the snapshot tests generate from, compile and run. Backend names are unique in the test process.</summary>
internal static class BackendInputs
{
    /// <summary>
    /// A chat client that answers with a description of how it was made and exposes the settings it was given
    /// through <c>GetService</c>, so tests can read what the generated binder bound.
    /// </summary>
    public const string EchoClient = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using Microsoft.Extensions.AI;

        namespace Sample.Backends;

        public sealed class EchoClient(string name, object? settings) : IChatClient
        {
            public object? Settings => settings;

            public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                Task.FromResult(new ChatResponse(new ChatMessage(ChatRole.Assistant, name)));

            public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
                throw new NotSupportedException();

            public object? GetService(Type serviceType, object? serviceKey = null) =>
                serviceKey is "settings" ? settings : serviceType.IsInstanceOfType(this) ? this : null;

            public void Dispose()
            {
            }

            public override string ToString() => name;
        }
        """;

    /// <summary>
    /// Four factories: one taking nothing, one taking BackendSettings, one taking a settings class with every
    /// supported property type, and one whose settings class takes the endpoint as text and has no options.
    /// </summary>
    public const string Factories = """
        using System;
        using FiniteMemory.Backends;
        using Microsoft.Extensions.AI;

        namespace Sample.Backends;

        public enum Verbosity
        {
            Quiet,
            Normal,
            Chatty,
        }

        public sealed class EchoSettings
        {
            public string Model { get; set; } = "default-model";

            public Uri? Endpoint { get; set; }

            public string? ApiKey { get; set; }

            public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(100);

            public string Greeting { get; set; } = "hello";

            public int MaxTokens { get; set; } = 256;

            public long Seed { get; set; }

            public double Temperature { get; set; } = 1.0;

            public float TopP { get; set; } = 1f;

            public decimal Price { get; set; }

            public bool Stream { get; set; }

            public Verbosity Verbosity { get; set; } = Verbosity.Normal;

            public TimeSpan RetryDelay { get; set; }

            // Not Uri?: a nullable-annotated Uri option is rejected with FM2003 (see BackendDiagnosticTests).
            public Uri Proxy { get; set; } = new("http://127.0.0.1:1/");

            public int? MaxRetries { get; set; }

            public Verbosity? FallbackVerbosity { get; set; }

            // Not bound: init-only, get-only, static.
            public string Region { get; init; } = "eu";

            public string Summary => Model + "@" + Endpoint;

            public static int Instances { get; set; }
        }

        public sealed class TextEndpointSettings
        {
            public string? Endpoint { get; set; }

            public TimeSpan? Timeout { get; set; }
        }

        public static class EchoBackends
        {
            [Backend("gen-echo-plain", Description = "Takes no settings.")]
            public static IChatClient Plain() => new EchoClient("plain", null);

            [Backend("gen-echo-settings")]
            internal static EchoClient WithSettings(BackendSettings settings) => new("settings", settings);

            [Backend("gen-echo-custom", Description = "Binds its own settings class.")]
            public static IChatClient Custom(EchoSettings settings) => new EchoClient("custom", settings);

            [Backend("gen-echo-text-endpoint")]
            public static IChatClient TextEndpoint(TextEndpointSettings settings) => new EchoClient("text-endpoint", settings);
        }
        """;

    /// <summary>
    /// Two table factories (one binding a settings class, one taking only the name) beside a named factory: the
    /// tables' names and descriptions are data, read when the registry registers them.
    /// </summary>
    public const string Tables = """
        using System.Collections.Generic;
        using System.Linq;
        using FiniteMemory.Backends;
        using Microsoft.Extensions.AI;
        using Sample.Backends;

        namespace Sample.Tables;

        public sealed record Flavour(string Name, string Url);

        public sealed class FlavourSettings
        {
            public string? Model { get; set; }

            public int MaxTokens { get; set; } = 16;
        }

        public static class FlavourBackends
        {
            public static IReadOnlyList<Flavour> Flavours { get; } = [new("gen-table-vanilla", "http://127.0.0.1:1/v"), new("gen-table-mint", "http://127.0.0.1:2/m")];

            internal static IEnumerable<BackendEntry> Table => Flavours.Select(static f => new BackendEntry(f.Name, "Flavour at " + f.Url));

            internal static readonly BackendEntry[] Plain = [new("gen-table-bare", "Takes only its name.")];

            [Backend(Table = nameof(Table))]
            public static IChatClient Create(string name, FlavourSettings settings) => new EchoClient(name, settings);

            [Backend(Table = nameof(Plain))]
            public static IChatClient Bare(string name) => new EchoClient(name, null);

            [Backend("gen-table-named", Description = "A named backend beside the tables.")]
            public static IChatClient Named() => new EchoClient("gen-table-named", null);
        }
        """;
}
