global using System.Net;
global using System.Text.Json;
global using Messaging.Host.Tests.Infrastructure;
global using Xunit;
