using MimeKit;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Support;

/// <summary>Background work, driven by the tests on the fake clock: the outbox dispatcher, the sweeper, and the mail they write.</summary>
public static class Outbox
{
    /// <summary>Delivers every due message (this test's and others').</summary>
    public static async Task DispatchAllAsync(this PimApp app)
    {
        var dispatcher = app.Services.GetRequiredService<OutboxDispatcher>();
        for (var i = 0; i < 100 && await dispatcher.DispatchOnceAsync(CancellationToken.None) > 0; i++) { }
    }

    /// <summary>Records everything time alone has changed, across tenants.</summary>
    public static async Task SweepAsync(this PimApp app)
    {
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        while (await SweeperService.SweepOnceAsync(scopes, CancellationToken.None) > 0) { }
    }

    /// <summary>The .eml files in the pickup directory addressed to <paramref name="address"/>.</summary>
    public static List<MimeMessage> MailTo(this PimApp app, string address) => !Directory.Exists(app.MailDirectory) ? []
        : Directory.GetFiles(app.MailDirectory, "*.eml").Select(f => MimeMessage.Load(f))
            .Where(m => m.To.Mailboxes.Any(b => b.Address.Equals(address, StringComparison.OrdinalIgnoreCase))).ToList();
}
