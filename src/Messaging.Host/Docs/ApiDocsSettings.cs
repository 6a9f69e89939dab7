namespace Messaging.Host.Docs;

/// <summary>
/// Section <c>OpenApi</c>: whether the host serves its machine-readable contract (<c>/openapi/v1.json</c> and
/// <c>/asyncapi/v1.json</c>, on by default everywhere: they describe nothing a client cannot see) and the interactive
/// reference page at <c>/docs</c> (on by default in Development only).
/// </summary>
public sealed record ApiDocsSettings(bool Enabled, bool DocsEnabled)
{
    public static ApiDocsSettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var enabled = configuration.GetValue<bool?>("OpenApi:Enabled") ?? true;
        return new ApiDocsSettings(enabled, configuration.GetValue<bool?>("OpenApi:DocsEnabled") ?? (enabled && environment.IsDevelopment()));
    }

    /// <summary>The page renders the documents, so it cannot be served without them.</summary>
    public ApiDocsSettings Validate() =>
        Enabled || !DocsEnabled
            ? this
            : throw new InvalidOperationException("OpenApi:DocsEnabled needs OpenApi:Enabled: the /docs page renders the documents it serves");
}
