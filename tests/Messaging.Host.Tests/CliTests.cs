using Messaging.Actors;
using Messaging.Host.Auth;
using Messaging.Host.Configuration;
using Messaging.Host.Demo;
using Messaging.Host.Directory;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Messaging.Host.Tests;

/// <summary>The newcomer's verbs: <c>token &lt;userId&gt;</c> and <c>seed</c>. Console output is captured, so these run one at a time.</summary>
[Collection(nameof(CliTests))]
[CollectionDefinition(nameof(CliTests), DisableParallelization = true)]
public sealed class CliTests
{
    private static async Task<(int? ExitCode, string Output)> Run(string[] args, Dictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        foreach (var (key, value) in settings ?? [])
            builder.Configuration[key] = value;
        var output = new StringWriter();
        var console = Console.Out;
        Console.SetOut(output);
        try
        {
            return (await Cli.TryRun(args, builder), output.ToString());
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    [Fact]
    public async Task Token_verb_prints_a_token_for_the_user_signed_with_the_development_key()
    {
        var userId = Guid.NewGuid();

        var (exitCode, output) = await Run(["token", userId.ToString(), "Ada", "ada@example.test"]);

        Assert.Equal(0, exitCode);
        var result = await new JsonWebTokenHandler { MapInboundClaims = false }.ValidateTokenAsync(output.Trim(), new TokenValidationParameters
        {
            IssuerSigningKey = new JwtSettings { SigningKey = JwtSettings.DevelopmentSigningKey }.SecurityKey,
            ValidateIssuer = false,
            ValidateAudience = false,
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(userId.ToString(), result.Claims["sub"]);
        Assert.Equal("Ada", result.Claims["name"]);
        Assert.Equal("ada@example.test", result.Claims["email"]);
    }

    [Fact]
    public async Task Token_verb_without_a_UUID_prints_its_usage_and_fails()
    {
        var (exitCode, output) = await Run(["token", "not-a-uuid"]);

        Assert.Equal(2, exitCode);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Without_a_verb_the_server_starts()
    {
        var (exitCode, _) = await Run([]);

        Assert.Null(exitCode);
    }

    [Fact]
    public async Task Seed_verb_fills_the_directory_with_the_demo_users_and_products()
    {
        var file = TestDatabase.NewSqliteFile();
        try
        {
            var (exitCode, output) = await Run(["seed"], new() { ["ConnectionStrings:Messaging"] = $"Data Source={file}" });

            Assert.Equal(0, exitCode);
            SqliteConnection.ClearAllPools();
            var store = new StoreOptions(StoreKind.Sqlite, $"Data Source={file}");
            await using var dataSource = SqlDirectory.CreateDataSource(store);
            using var directory = SqlDirectory.Create(dataSource, store, new MemoryCache(new MemoryCacheOptions()));
            foreach (var (id, name, email) in DemoDirectory.Users)
            {
                Assert.Equal(new(new UserId(id), name, email), await directory.FindUser(new UserId(id), CancellationToken.None));
                Assert.Contains(id.ToString(), output);
            }
            foreach (var (id, title, image) in DemoDirectory.Products)
                Assert.Equal(new(new ProductId(id), title, image), await directory.FindProduct(new ProductId(id), CancellationToken.None));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TestDatabase.DeleteSqliteFile(file);
        }
    }
}
