using System.Text.Json;
using FiniteMemory.Http.Replicate;
using FiniteMemory.Http.Tests.Fakes;
using FiniteMemory.Http.Tests.Support;

namespace FiniteMemory.Http.Tests.Replicate;

/// <summary>Replicate's documented prediction shapes, served by a fake server that routes by path, and a client pointed at it.</summary>
internal sealed class ReplicateFixture : IAsyncDisposable
{
    public const string Key = "r8_test_token_0123456789";
    public const string Id = "gm3qorzdhgbfurvjtvhg6dckhu";

    private readonly Lock _gate = new();
    private readonly Queue<Func<FakeResponse>> _polls = new();
    private Func<FakeResponse>? _create;
    private Func<FakeResponse>? _stream;

    private ReplicateFixture(FakeServer server) => Server = server;

    public FakeServer Server { get; }

    /// <summary>The poll answer once the scripted ones are used up.</summary>
    public Func<FakeResponse>? LastPoll { get; set; }

    public static async Task<ReplicateFixture> StartAsync()
    {
        var fixture = new ReplicateFixture(await FakeServer.StartAsync());
        fixture.Server.Otherwise = fixture.Route;
        return fixture;
    }

    public ReplicateFixture OnCreate(Func<FakeResponse> create)
    {
        _create = create;
        return this;
    }

    public ReplicateFixture OnStream(Func<FakeResponse> stream)
    {
        _stream = stream;
        return this;
    }

    public ReplicateFixture OnPoll(params Func<FakeResponse>[] polls)
    {
        lock (_gate)
        {
            foreach (var poll in polls)
            {
                _polls.Enqueue(poll);
            }
        }

        return this;
    }

    /// <summary>A client with quick polls and retries; <paramref name="time"/> is the clock polls wait on.</summary>
    public ReplicateChatClient Client(
        string model = "meta/meta-llama-3-8b-instruct",
        TimeProvider? time = null,
        Action<ReplicateChatClientOptions>? configure = null)
    {
        var settings = new ReplicateChatClientOptions
        {
            Model = model,
            Endpoint = Server.BaseAddress,
            ApiKey = Key,
            Timeout = TimeSpan.FromSeconds(60), // a hang guard unless a test sets its own
            RetryDelay = Conversations.QuickRetry,
            MaxRetryDelay = TimeSpan.FromSeconds(2),
            PollInterval = TimeSpan.FromMilliseconds(10),
            MaxPollInterval = TimeSpan.FromMilliseconds(40),
        };
        configure?.Invoke(settings);
        return new ReplicateChatClient(settings, template: null, handler: null, time ?? TimeProvider.System);
    }

    /// <summary>A prediction as the API returns it; <paramref name="output"/> and <paramref name="error"/> are JSON.</summary>
    public string Prediction(string status, string output = "null", string error = "null", bool stream = false, bool metrics = false, int inputTokens = 27)
    {
        var urls = new Dictionary<string, string>
        {
            ["get"] = new Uri(Server.BaseAddress, $"v1/predictions/{Id}").ToString(),
            ["cancel"] = new Uri(Server.BaseAddress, $"v1/predictions/{Id}/cancel").ToString(),
        };
        if (stream)
        {
            urls["stream"] = new Uri(Server.BaseAddress, $"stream/{Id}").ToString();
        }

        return $$"""
            {
              "id": "{{Id}}",
              "model": "meta/meta-llama-3-8b-instruct",
              "version": "dp-4d2c2bf5d7a1e3c08bd9d5c0cf7fb1c0",
              "input": {},
              "logs": "",
              "output": {{output}},
              "data_removed": false,
              "error": {{error}},
              "status": "{{status}}",
              "created_at": "2026-12-01T02:00:00.000Z",
              "urls": {{JsonSerializer.Serialize(urls)}},
              "metrics": {{(metrics ? $$$"""{"predict_time":0.61,"input_token_count":{{{inputTokens}}},"output_token_count":5,"tokens_per_second":41.2}""" : "{}")}}
            }
            """;
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private FakeResponse Route(RecordedRequest request)
    {
        if (request.Method == "POST" && request.Path.EndsWith("/cancel", StringComparison.Ordinal))
        {
            return FakeResponse.Json(Prediction("canceled"));
        }

        if (request.Method == "POST")
        {
            return _create?.Invoke() ?? FakeResponse.Text("no create scripted", 599);
        }

        if (request.Path.StartsWith("/stream/", StringComparison.Ordinal))
        {
            return _stream?.Invoke() ?? FakeResponse.Text("no stream scripted", 599);
        }

        lock (_gate)
        {
            var poll = _polls.Count > 0 ? _polls.Dequeue() : LastPoll;
            return poll?.Invoke() ?? FakeResponse.Text("no poll scripted", 599);
        }
    }
}
