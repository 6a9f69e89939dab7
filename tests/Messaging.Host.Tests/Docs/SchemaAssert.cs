using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Messaging.Host.Tests.Docs;

/// <summary>
/// Checks a JSON value against a schema of a served document, strictly: a property the schema does not declare is a
/// violation (a client generated from the document would not know it), as is a missing required one, a wrong type, a
/// constant not matched, or a <c>uuid</c> / <c>date-time</c> that is not one. Covers what our documents use: local
/// <c>$ref</c>, <c>oneOf</c>/<c>anyOf</c>, <c>type</c> (also as a list), <c>const</c>, <c>properties</c>,
/// <c>required</c>, <c>items</c> and <c>format</c>.
/// </summary>
public static partial class SchemaAssert
{
    public static void Conforms(JsonElement value, JsonNode schema, JsonNode document, string what)
    {
        var violations = Violations(value, schema, document, "$");
        Assert.True(violations.Count == 0, $"{what} does not match its documented schema:\n  {string.Join("\n  ", violations)}\nvalue: {value}\nschema: {schema.ToJsonString()}");
    }

    public static List<string> Violations(JsonElement value, JsonNode schema, JsonNode document, string path)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
            return Violations(value, Resolve(document, reference), document, path);
        foreach (var combinator in new[] { "oneOf", "anyOf" })
        {
            if (schema[combinator] is JsonArray branches)
            {
                var failures = branches.Select(branch => Violations(value, branch!, document, path)).ToList();
                return failures.Any(failure => failure.Count == 0) ? [] : [$"{path}: matches none of {combinator}: {string.Join("; ", failures.SelectMany(failure => failure))}"];
            }
        }

        var violations = new List<string>();
        if (schema["const"] is { } constant && !JsonNode.DeepEquals(constant, JsonNode.Parse(value.GetRawText())))
            violations.Add($"{path}: is {value}, the schema's const is {constant.ToJsonString()}");
        if (schema["type"] is { } type)
        {
            var allowed = type is JsonArray list ? list.Select(item => item!.GetValue<string>()).ToList() : [type.GetValue<string>()];
            if (!allowed.Any(name => IsOfType(value, name)))
                return [..violations, $"{path}: is a {value.ValueKind}, the schema allows {string.Join(" or ", allowed)}"];
        }
        if (value.ValueKind == JsonValueKind.String && schema["format"]?.GetValue<string>() is { } format && !HasFormat(value.GetString()!, format))
            violations.Add($"{path}: '{value.GetString()}' is not a {format}");
        if (value.ValueKind == JsonValueKind.Object)
        {
            var properties = schema["properties"] as JsonObject ?? [];
            foreach (var property in value.EnumerateObject())
            {
                if (properties[property.Name] is { } propertySchema)
                    violations.AddRange(Violations(property.Value, propertySchema, document, $"{path}.{property.Name}"));
                else
                    violations.Add($"{path}.{property.Name}: not declared by the schema");
            }
            foreach (var required in (schema["required"] as JsonArray ?? []).Select(name => name!.GetValue<string>()))
            {
                if (!value.TryGetProperty(required, out _))
                    violations.Add($"{path}.{required}: required by the schema, missing");
            }
        }
        if (value.ValueKind == JsonValueKind.Array && schema["items"] is { } items)
            violations.AddRange(value.EnumerateArray().SelectMany((item, index) => Violations(item, items, document, $"{path}[{index}]")));
        return violations;
    }

    /// <summary>A <c>#/a/b/c</c> pointer into the document.</summary>
    public static JsonNode Resolve(JsonNode document, string reference)
    {
        Assert.StartsWith("#/", reference);
        return reference[2..].Split('/').Aggregate(document, (node, segment) =>
            node[segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)]
            ?? throw new Xunit.Sdk.XunitException($"{reference} does not resolve in the document"));
    }

    private static bool IsOfType(JsonElement value, string type) => type switch
    {
        "null" => value.ValueKind == JsonValueKind.Null,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "number" => value.ValueKind == JsonValueKind.Number,
        "object" => value.ValueKind == JsonValueKind.Object,
        "array" => value.ValueKind == JsonValueKind.Array,
        _ => throw new Xunit.Sdk.XunitException($"unknown schema type {type}"),
    };

    private static bool HasFormat(string text, string format) => format switch
    {
        "uuid" => Guid.TryParseExact(text, "D", out _),
        "date-time" => UtcTimestamp().IsMatch(text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        _ => true,
    };

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex UtcTimestamp();
}
