using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Messaging.Load.Tests.Smoke;

/// <summary>Where the builds the smoke tests start live, and free loopback ports for them.</summary>
public static class Repository
{
    /// <summary>The folder holding Messaging.sln, found by walking up from the test assembly.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the smoke tests run the server and relay built alongside themselves.</summary>
    public static string Configuration { get; } = typeof(Repository).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(attribute => attribute.Key == "Configuration").Value!;

    public static string ServerDll => Build("src/Messaging.Host", "Messaging.Host.dll");

    public static string LoadDll => Build("bench/Messaging.Load", "Messaging.Load.dll");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Build(string project, string dll)
    {
        var path = Path.Combine(Root, project, "bin", Configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built: build the solution (dotnet build Messaging.sln -c {Configuration})");
    }

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Messaging.sln")))
                return folder.FullName;
        }
        throw new DirectoryNotFoundException($"no Messaging.sln above {AppContext.BaseDirectory}");
    }
}
