using System.Data.Common;
using Messaging.Actors;
using Messaging.Actors.Doors;
using Messaging.Actors.Stomp;
using Messaging.Host;
using Messaging.Host.Api;
using Messaging.Host.Auth;
using Messaging.Host.Configuration;
using Messaging.Host.Demo;
using Messaging.Host.Directory;
using Messaging.Host.Docs;
using Messaging.Host.Realtime;
using Messaging.Host.Realtime.SockJs;
using Microsoft.Extensions.Caching.Memory;

var builder = WebApplication.CreateBuilder(args);
if (await Cli.TryRun(args, builder) is { } exitCode)
    return exitCode;

var store = StoreOptions.From(builder.Configuration);
var settings = (builder.Configuration.GetSection("Messaging").Get<MessagingSettings>() ?? new MessagingSettings()).Validate();
var stomp = (builder.Configuration.GetSection("Stomp").Get<StompSettings>() ?? new StompSettings()).Validate();
var sockJs = (builder.Configuration.GetSection("SockJs").Get<SockJsSettings>() ?? new SockJsSettings()).Validate();
var jwt = JwtSettings.From(builder.Configuration, builder.Environment);
Storage.PrepareSqliteFolder(store);

builder.Services
    .AddSingleton(store)
    .AddSingleton(settings)
    .AddSingleton(stomp)
    .AddSingleton(sockJs)
    .AddStompSessions()
    .AddSingleton<JwtTokenValidator>()
    .AddSingleton(_ => SqlDirectory.CreateDataSource(store))
    .AddSingleton(services => SqlDirectory.Create(services.GetRequiredService<DbDataSource>(), store, services.GetRequiredService<IMemoryCache>()))
    .AddSingleton<IDirectory>(services => services.GetRequiredService<SqlDirectory>())
    .AddSingleton<StoreMonitor>()
    .AddHostedService(services => services.GetRequiredService<StoreMonitor>())
    .AddSingleton<IStoreHealth>(services => services.GetRequiredService<StoreMonitor>())
    .AddMessagingHealthChecks()
    .AddMessagingMetrics(builder.Configuration)
    .AddSingleton(jwt)
    .AddSingleton<WarmStart>()
    .AddHostedService(services => services.GetRequiredService<WarmStart>())
    .AddSingleton(services => services.GetRequiredService<MessagingMetrics>().ObserveSendAdmission(AdmissionGate.ForSends(settings)))
    .AddSingleton<ConversationGateway>()
    .AddMemoryCache()
    .AddProblemDetails()
    .AddExceptionHandler<RequestFailureHandler>()
    .ConfigureHttpJsonOptions(options => DoorJson.Configure(options.SerializerOptions))
    .AddMessagingAuthentication(jwt)
    .AddMessagingActors(builder.Configuration, store, settings)
    .AddDemo(builder.Configuration, builder.Environment, jwt)
    .AddApiDocuments(builder.Configuration, builder.Environment);

var app = builder.Build();
if (jwt.UsesDevelopmentKey)
    app.Logger.LogWarning("*** Jwt:SigningKey is not set: using the PUBLIC DEVELOPMENT KEY. Anyone can forge tokens. Never run like this outside Development. ***");
await app.Services.GetRequiredService<SqlDirectory>().EnsureSchema(app.Lifetime.ApplicationStopping);
await Storage.AddJournalTagsColumn(app.Services.GetRequiredService<DbDataSource>(), store.Kind, app.Lifetime.ApplicationStopping);

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseWebSockets();
app.UseAuthentication();
app.UseAuthorization();
app.MapConversationsApi();
app.MapMessagesApi();
app.MapStompEndpoint();
app.MapDemo();
app.MapApiDocuments();
app.MapHealth();
app.MapMetrics();

await app.RunAsync();
return 0;

/// <summary>Visible to the integration tests' WebApplicationFactory.</summary>
public partial class Program;
