using Deror.Client;
using Deror.Grains;

// The sample call ./deror up makes: greet the "world" grain once and show how many greetings it has given.
var settings = new DerorClientSettings { ConnectTimeout = TimeSpan.FromSeconds(10) };
for (var i = 0; i < args.Length; i++)
{
    if (args[i] == "--gateway" && i + 1 < args.Length)
    {
        settings.Gateways.Add(args[++i]);
    }
    else
    {
        await Console.Error.WriteLineAsync($"error: unknown argument '{args[i]}' (usage: HelloClient [--gateway host:port])");
        return 2;
    }
}

try
{
    await using var client = await DerorClient.ConnectAsync(settings);
    var from = string.IsNullOrWhiteSpace(Environment.UserName) ? "deror" : Environment.UserName;
    var greeting = await client.GetGrain<IHelloGrain>("world").SayHello(from);
    Console.WriteLine($"{greeting.Text} (greeting #{greeting.Count})");
    return 0;
}
catch (Exception e)
{
    await Console.Error.WriteLineAsync($"error: {e.Message}");
    return 1;
}
