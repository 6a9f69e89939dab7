using System.Globalization;

namespace Messaging.Load.Cli;

/// <summary>A mistake in the command line: the message says which, and the usage follows it.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// <c>verb --name value ...</c>. Every option given must be read by the verb (<see cref="RejectUnread"/>), so a
/// misspelt option stops the command instead of running a different benchmark than the one asked for.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string> _options;
    private readonly HashSet<string> _read = [];

    private Arguments(string verb, Dictionary<string, string> options)
    {
        Verb = verb;
        _options = options;
    }

    public string Verb { get; }

    public static Arguments Parse(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
            throw new UsageException("no verb given");
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var index = 1; index < args.Count; index += 2)
        {
            var name = args[index];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
                throw new UsageException($"expected an option like --name, got '{name}'");
            if (index + 1 >= args.Count)
                throw new UsageException($"{name} needs a value");
            if (!options.TryAdd(name[2..], args[index + 1]))
                throw new UsageException($"{name} is given twice");
        }
        return new Arguments(args[0], options);
    }

    public string? Text(string name)
    {
        _read.Add(name);
        return _options.GetValueOrDefault(name);
    }

    public string Text(string name, string fallback) => Text(name) ?? fallback;

    public string RequiredText(string name) => Text(name) ?? throw new UsageException($"--{name} is required for {Verb}");

    public double? OptionalNumber(string name) => Text(name) is { } text
        ? double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            ? value
            : throw new UsageException($"--{name} must be a number, got '{text}'")
        : null;

    public double Number(string name, double fallback) => OptionalNumber(name) ?? fallback;

    public int? OptionalInteger(string name) => Text(name) is { } text
        ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new UsageException($"--{name} must be a whole number, got '{text}'")
        : null;

    public int Integer(string name, int fallback) => OptionalInteger(name) ?? fallback;

    /// <summary>A comma-separated list of numbers, e.g. <c>--steps 250,500,1000</c>.</summary>
    public IReadOnlyList<double> Numbers(string name, IReadOnlyList<double> fallback) => Text(name) is { } text
        ? text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(item => double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0
                ? value
                : throw new UsageException($"--{name} must list positive numbers, got '{item}'"))
            .ToArray()
        : fallback;

    public void RejectUnread()
    {
        var unknown = _options.Keys.Where(name => !_read.Contains(name)).Select(name => "--" + name).ToArray();
        if (unknown.Length > 0)
            throw new UsageException($"{Verb} does not take {string.Join(", ", unknown)}");
    }
}
