using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.Json.Serialization;

namespace Messaging.Load.Results;

/// <summary>Result files: one JSON document per command, named <c>scenario[-target]-label.json</c> (pgbench: <c>pgbench-script-label.json</c>).</summary>
public static class ResultFile
{
    /// <summary>Where results go unless <c>--results</c> says otherwise: relative to the repository root, where bench.sh runs.</summary>
    public static readonly string DefaultFolder = Path.Combine("bench", "results");

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // the summary line stays readable in the file
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string NameOf(RunResult result) => result switch
    {
        { Pgbench: { } pgbench } => $"pgbench-{pgbench.Script}-{result.Label}.json",
        { Target: "server" } => $"{result.Scenario}-{result.Label}.json",
        _ => $"{result.Scenario}-{result.Target}-{result.Label}.json",
    };

    /// <summary>Writes the result into <paramref name="folder"/> (created if missing) and returns the file's path.</summary>
    public static async Task<string> WriteAsync(RunResult result, string folder, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, NameOf(result));
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, result, Json, cancellationToken);
        return path;
    }

    public static async Task<RunResult> ReadAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return await JsonSerializer.DeserializeAsync<RunResult>(file, Json, cancellationToken)
               ?? throw new InvalidDataException($"{path} holds no result");
    }
}
