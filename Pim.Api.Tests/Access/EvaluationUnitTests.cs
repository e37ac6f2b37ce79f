using Dapper;
using Pim.Api.Tests.Support;
using Pim.Infrastructure;

namespace Pim.Api.Tests.Access;

[Collection(SqliteCollection.Name)]
public sealed class EvaluationUnitTests_Sqlite(SqliteApp app) : EvaluationUnitTests(app);

[Collection(PostgresCollection.Name)]
public sealed class EvaluationUnitTests_Postgres(PostgresApp app) : EvaluationUnitTests(app);

/// <summary>
/// The single evaluation's unit of work is kept for the thread's next evaluation (<see cref="AccessServiceFactory.Take"/>,
/// issue 27): taken again, it holds nothing of the last one — no transaction, nothing written in one left behind.
/// </summary>
public abstract class EvaluationUnitTests(PimApp app)
{
    [Fact]
    public async Task A_unit_of_work_given_back_is_taken_again_as_new()
    {
        var factory = app.Services.GetRequiredService<AccessServiceFactory>();

        // Given back without asking the store (an evaluation the index answers): nothing to close, this thread takes it again.
        var unit = factory.Take();
        Assert.True(unit.DisposeAsync().IsCompletedSuccessfully);
        Assert.Same(unit, factory.Take());

        // Given back with a transaction open and a row written in it: the row is rolled back, the session holds no transaction.
        var tenantId = "unit-" + Guid.NewGuid().ToString("N")[..8];
        await unit.Session.BeginAsync(default);
        var connection = await unit.Session.ConnectionAsync(default);
        await connection.ExecuteAsync(unit.Session.Command(
            "INSERT INTO tenants (tenant_id, display_name, created_at, updated_at) VALUES (@tenantId, 'Unit', @now, @now)",
            new { tenantId, now = app.Time.GetUtcNow() }, default));
        await unit.DisposeAsync();
        Assert.False(unit.Session.InTransaction);
        await using var fresh = factory.Take();
        Assert.False(fresh.Session.InTransaction);
        var rows = await (await fresh.Session.ConnectionAsync(default)).ExecuteScalarAsync<long>(
            fresh.Session.Command("SELECT COUNT(*) FROM tenants WHERE tenant_id = @tenantId", new { tenantId }, default));
        Assert.Equal(0, rows);
    }
}
