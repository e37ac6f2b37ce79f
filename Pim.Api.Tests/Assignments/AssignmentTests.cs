using System.Net;
using Pim.Api.Tests.Support;

namespace Pim.Api.Tests.Assignments;

[Collection(SqliteCollection.Name)]
public sealed class AssignmentTests_Sqlite(SqliteApp app) : AssignmentTests(app);

[Collection(PostgresCollection.Name)]
public sealed class AssignmentTests_Postgres(PostgresApp app) : AssignmentTests(app);

/// <summary>Eligible and active assignments: make eligible, assignment windows, and what make eligible breaks.</summary>
public abstract class AssignmentTests(PimApp app)
{
    private DateTimeOffset Now => app.Time.GetUtcNow();

    [Fact]
    public async Task Make_eligible_removes_the_standing_right_at_once()
    {
        var s = await Scenario.OnboardAsync(app);
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        var eligible = await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible")).ExpectAsync(HttpStatusCode.OK);
        Assert.Equal("eligible", eligible.Str("type"));
        Assert.False(await s.EvaluateAsync("bob", "exchange-administrator"));
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible"))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "invalid-state-transition");
        await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-active")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Equal(["assignment.madeEligible", "assignment.madeActive"],
            (await s.AuditActionsAsync("roleId=exchange-administrator")).Where(a => a.StartsWith("assignment.made")).ToArray());
    }

    [Fact]
    public async Task Assignment_windows_follow_the_roles_assignment_rules()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.SetSettingsAsync("user-administrator", ScenarioSettings.Document(allowPermanentEligible: false, maximumEligibleDuration: "P90D"));
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "eligible", HttpStatusCode.UnprocessableEntity);
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "eligible", HttpStatusCode.UnprocessableEntity, endsAt: Now.AddDays(91));
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "eligible", HttpStatusCode.Created, endsAt: Now.AddDays(90));
        await s.AssignAsync(s.Alice, "carol", "user-administrator", "eligible", HttpStatusCode.Conflict, endsAt: Now.AddDays(30));
        await s.AssignAsync(s.Alice, "nobody", "user-administrator", "active", HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Make_eligible_tells_which_scripts_relied_on_the_standing_right()
    {
        var s = await Scenario.OnboardAsync(app);
        await s.Operator.PutJsonAsync(s.Path("/principals/backup-script"), new { kind = "servicePrincipal", displayName = "Backup script" }).ExpectAsync(HttpStatusCode.Created);
        var script = (await s.AssignAsync(s.Operator, "backup-script", "exchange-administrator", "active", HttpStatusCode.Created)).Str("id");

        // A gateway asks about Bob twice; Bob asks about himself; the script asks about itself.
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        await s.Bob.PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "bob", roleId = "exchange-administrator" }).ExpectAsync(HttpStatusCode.OK);
        await s.User("backup-script").PostJsonAsync(s.Path("/access/evaluation"), new { principalId = "backup-script", roleId = "exchange-administrator" })
            .ExpectAsync(HttpStatusCode.OK);

        var usage = (await s.Alice.GetAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/usage")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items");
        var gateway = usage.EnumerateArray().Single(u => u.Str("clientId") == "exchange-gateway");
        Assert.Equal(("service", true, 2L), (gateway.Str("clientKind"), gateway.GetProperty("nonInteractive").GetBoolean(), gateway.GetProperty("uses").GetInt64()));
        var bob = usage.EnumerateArray().Single(u => u.Str("clientId") == "bob");
        Assert.Equal(("user", false), (bob.Str("clientKind"), bob.GetProperty("nonInteractive").GetBoolean()));

        var dry = await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible?dryRun=true")).ExpectAsync(HttpStatusCode.OK);
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.Equal("eligible", dry.Str("type"));
        Assert.Contains("exchange-gateway", dry.GetProperty("warnings")[0].GetString());
        Assert.Equal("active", (await s.Alice.GetAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}")).ExpectAsync(HttpStatusCode.OK)).Str("type"));
        Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        Assert.Empty(await s.AuditActionsAsync("action=assignment.madeEligible"));

        var scriptOutcome = await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{script}/make-eligible")).ExpectAsync(HttpStatusCode.OK);
        Assert.False(scriptOutcome.GetProperty("dryRun").GetBoolean());
        Assert.Equal("servicePrincipal", scriptOutcome.GetProperty("recentNonInteractiveUse")[0].Str("clientKind"));
        Assert.Single(scriptOutcome.GetProperty("warnings").EnumerateArray());
        Assert.False(await s.EvaluateAsync("backup-script", "exchange-administrator"));

        // Usage older than 30 days no longer warns.
        await Pim.Infrastructure.UsageFlushService.FlushAsync(app.Services.GetRequiredService<IServiceScopeFactory>(),
            app.Services.GetRequiredService<Pim.Infrastructure.UsageRecorder>(), CancellationToken.None);
        app.Time.Advance(TimeSpan.FromDays(31));
        var later = await s.Alice.PostJsonAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/make-eligible?dryRun=true")).ExpectAsync(HttpStatusCode.OK);
        Assert.Empty(later.GetProperty("warnings").EnumerateArray());
        Assert.Equal(2, (await s.Alice.GetAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/usage")).ExpectAsync(HttpStatusCode.OK)).GetProperty("items").GetArrayLength());
    }

    /// <summary>
    /// A gateway asking about the same grant all day costs the store one write per hour (issue 27): its first use is
    /// written at the next flush, the uses after it within the hour are held in memory — and counted in every answer about
    /// usage — and written together once the hour since that write is over.
    /// </summary>
    [Fact]
    public async Task A_grant_used_again_and_again_by_one_client_is_written_at_most_once_an_hour()
    {
        var s = await Scenario.OnboardAsync(app);
        async Task Flush() => await Pim.Infrastructure.UsageFlushService.FlushAsync(app.Services.GetRequiredService<IServiceScopeFactory>(),
            app.Services.GetRequiredService<Pim.Infrastructure.UsageRecorder>(), CancellationToken.None);
        async Task<(long Uses, DateTimeOffset LastUsedAt)> Stored()
        {
            await using var connection = await app.Services.GetRequiredService<Pim.Infrastructure.Store>().OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT uses, last_used_at FROM assignment_usage WHERE tenant_id = '{s.Id}' " +
                $"AND assignment_id = '{s.BobExchangeAssignment}' AND client_id = 'exchange-gateway'";
            await using var row = await command.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync(), "no usage row written");
            return (row.GetInt64(0), row.GetFieldValue<DateTimeOffset>(1));
        }
        async Task<long> Reported() => (await s.Alice.GetAsync(s.Path($"/role-assignments/{s.BobExchangeAssignment}/usage")).ExpectAsync(HttpStatusCode.OK))
            .GetProperty("items").EnumerateArray().Single(u => u.Str("clientId") == "exchange-gateway").GetProperty("uses").GetInt64();

        for (var i = 0; i < 3; i++) Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        await Flush();
        var first = await Stored();
        Assert.Equal(3, first.Uses);

        // Within the hour: used again and flushed again, the store is not written; usage is reported all the same.
        app.Time.Advance(TimeSpan.FromMinutes(20));
        for (var i = 0; i < 2; i++) Assert.True(await s.EvaluateAsync("bob", "exchange-administrator"));
        var lastUse = Now;
        await Flush();
        app.Time.Advance(TimeSpan.FromMinutes(30));
        await Flush();
        Assert.Equal(first, await Stored());
        Assert.Equal(5, await Reported());

        // The hour since the write is over: the uses held are written, once.
        app.Time.Advance(TimeSpan.FromMinutes(10));
        await Flush();
        var written = await Stored();
        Assert.Equal((5L, lastUse.ToUnixTimeSeconds()), (written.Uses, written.LastUsedAt.ToUnixTimeSeconds()));
        await Flush();
        Assert.Equal(5, await Reported());
    }

    /// <summary>
    /// A flush after a quiet hour can hold a use for every assignment of a large directory: PostgreSQL writes them as
    /// arrays, thousands per statement (issue 27). Every pair lands, the last statement's too, and a pair written before
    /// adds its uses and keeps the later of the two times; sightings the same.
    /// </summary>
    [Fact]
    public async Task A_flush_of_more_uses_than_one_statement_holds_writes_every_one_of_them()
    {
        var s = await Scenario.OnboardAsync(app);
        var recorder = app.Services.GetRequiredService<Pim.Infrastructure.UsageRecorder>();
        var sightings = app.Services.GetRequiredService<Pim.Infrastructure.PrincipalSightingRecorder>();
        var pairs = Pim.Infrastructure.DbSession.RowsPerStatement + 3;
        async Task Flush() => await Pim.Infrastructure.UsageFlushService.FlushAsync(app.Services.GetRequiredService<IServiceScopeFactory>(),
            recorder, CancellationToken.None);
        async Task<(long Rows, long Uses, DateTimeOffset? Latest)> Stored(string table, string column)
        {
            await using var connection = await app.Services.GetRequiredService<Pim.Infrastructure.Store>().OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = table == "assignment_usage"
                ? $"SELECT count(*), sum(uses), max(last_used_at) FROM assignment_usage WHERE tenant_id = '{s.Id}' AND client_id = 'bulk-gateway'"
                : $"SELECT count(*), count(*), max({column}) FROM principal_sightings WHERE tenant_id = '{s.Id}' AND principal_id LIKE 'bulk-%'";
            await using var row = await command.ExecuteReaderAsync();
            await row.ReadAsync();
            return (row.GetInt64(0), row.IsDBNull(1) ? 0 : row.GetInt64(1), row.IsDBNull(2) ? null : row.GetFieldValue<DateTimeOffset>(2));
        }

        var first = Now;
        for (var i = 0; i < pairs; i++)
        {
            recorder.Record(s.Id, $"bulk-{i:D5}", "bulk-gateway", first, service: true);
            sightings.Record(s.Id, $"bulk-{i:D5}", first);
        }
        await Flush();
        Assert.Equal((pairs, pairs, first.ToUnixTimeSeconds()), Seconds(await Stored("assignment_usage", "last_used_at")));
        Assert.Equal((pairs, pairs, first.ToUnixTimeSeconds()), Seconds(await Stored("principal_sightings", "last_seen_at")));

        // An hour later every pair is used twice more: the rows written before add the uses and move to the later time.
        app.Time.Advance(UsageRecorderHour);
        var later = Now;
        for (var i = 0; i < pairs; i++)
        {
            recorder.Record(s.Id, $"bulk-{i:D5}", "bulk-gateway", later, service: true);
            recorder.Record(s.Id, $"bulk-{i:D5}", "bulk-gateway", later, service: true);
            sightings.Record(s.Id, $"bulk-{i:D5}", later);
        }
        await Flush();
        Assert.Equal((pairs, 3L * pairs, later.ToUnixTimeSeconds()), Seconds(await Stored("assignment_usage", "last_used_at")));
        Assert.Equal((pairs, pairs, later.ToUnixTimeSeconds()), Seconds(await Stored("principal_sightings", "last_seen_at")));

        static (long, long, long?) Seconds((long Rows, long Uses, DateTimeOffset? Latest) stored) =>
            (stored.Rows, stored.Uses, stored.Latest?.ToUnixTimeSeconds());
    }

    /// <summary>
    /// A burst of first uses (a gateway's first minutes at a million assignments) reaches the store a budget at a time, and
    /// a flush of everything (shutdown) writes all it holds, in parts of that budget (issue 27).
    /// </summary>
    [Fact]
    public async Task A_burst_of_first_uses_reaches_the_store_a_budget_at_a_time_and_all_of_it_at_shutdown()
    {
        var s = await Scenario.OnboardAsync(app);
        var scopes = app.Services.GetRequiredService<IServiceScopeFactory>();
        var recorder = app.Services.GetRequiredService<Pim.Infrastructure.UsageRecorder>();
        const int budget = Pim.Infrastructure.UsageRecorder.PairsPerPeriod, pairs = budget + 3;
        async Task<long> Rows(string clientId)
        {
            await using var connection = await app.Services.GetRequiredService<Pim.Infrastructure.Store>().OpenAsync(CancellationToken.None);
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT count(*) FROM assignment_usage WHERE tenant_id = '{s.Id}' AND client_id = '{clientId}'";
            return Convert.ToInt64(await command.ExecuteScalarAsync());
        }
        void Burst(string clientId)
        {
            for (var i = 0; i < pairs; i++) recorder.Record(s.Id, $"{clientId}-{i:D5}", clientId, Now, service: true);
        }
        await Pim.Infrastructure.UsageFlushService.FlushAsync(scopes, recorder, CancellationToken.None, all: true); // what earlier steps held

        Burst("shutdown-gateway");
        await Pim.Infrastructure.UsageFlushService.FlushAsync(scopes, recorder, CancellationToken.None, all: true);
        Assert.Equal(pairs, await Rows("shutdown-gateway"));

        app.Time.Advance(Pim.Infrastructure.UsageRecorder.BudgetPeriod); // a full budget
        Burst("burst-gateway");
        await Pim.Infrastructure.UsageFlushService.FlushAsync(scopes, recorder, CancellationToken.None);
        Assert.Equal(budget, await Rows("burst-gateway"));
        await Pim.Infrastructure.UsageFlushService.FlushAsync(scopes, recorder, CancellationToken.None); // no budget left yet
        Assert.Equal(budget, await Rows("burst-gateway"));
        app.Time.Advance(Pim.Infrastructure.UsageRecorder.BudgetPeriod); // the next period: the rest, and a full budget again
        await Pim.Infrastructure.UsageFlushService.FlushAsync(scopes, recorder, CancellationToken.None);
        Assert.Equal(pairs, await Rows("burst-gateway"));
        app.Time.Advance(Pim.Infrastructure.UsageRecorder.BudgetPeriod);
    }

    private static readonly TimeSpan UsageRecorderHour = Pim.Infrastructure.UsageRecorder.WriteEvery;
}
