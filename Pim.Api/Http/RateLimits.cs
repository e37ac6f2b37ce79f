using System.Collections.Concurrent;
using System.Globalization;
using Pim.Domain;

namespace Pim.Api.Http;

/// <summary>
/// <c>Pim:RateLimits</c>: every caller is rate limited, per caller and per tenant, with separate budgets for access
/// evaluation (high), other reads, and writes (low), each a number of requests per <see cref="Window"/>; and a tenant's
/// requests that run at once are bounded (<see cref="TenantInFlight"/>), whether the budgets are on or not.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>What is wrong with these bounds, naming the key, or null; <paramref name="storeConnections"/> is the store's pool.</summary>
    public string? Problem(int? storeConnections) =>
        Window <= TimeSpan.Zero ? "Pim:RateLimits:Window must be positive."
        : InFlightPerTenant < 1 || InFlightQueuePerTenant < 0 ? "Pim:RateLimits:InFlightPerTenant must be positive, and InFlightQueuePerTenant not negative."
        : new[] { Evaluation, Reads, Writes }.Any(b => b.PerCaller < 1 || b.PerTenant < 1)
            ? "Pim:RateLimits:Evaluation, Reads and Writes must each allow at least 1 request PerCaller and PerTenant."
        : InFlightPerTenant >= storeConnections
            ? $"Pim:RateLimits:InFlightPerTenant ({InFlightPerTenant}) must be below the store's Maximum Pool Size ({storeConnections}): " +
              "one tenant's running requests could otherwise hold every connection."
        : null;

    public bool Enabled { get; set; } = true;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
    public Budget Evaluation { get; set; } = new() { PerCaller = 60_000, PerTenant = 300_000 };
    public Budget Reads { get; set; } = new() { PerCaller = 1_200, PerTenant = 12_000 };
    public Budget Writes { get; set; } = new() { PerCaller = 120, PerTenant = 1_200 };

    /// <summary>
    /// Requests of one tenant that run at once; unset: half the store's connection pool (PostgreSQL's Maximum Pool Size,
    /// 100 unless the connection string says otherwise), 50 on SQLite. On PostgreSQL it must stay below the pool.
    /// </summary>
    public int? InFlightPerTenant { get; set; }

    /// <summary>Requests of one tenant that wait for a place among its running ones, beyond which they are refused.</summary>
    public int InFlightQueuePerTenant { get; set; } = 500;

    public sealed class Budget
    {
        public int PerCaller { get; set; }
        public int PerTenant { get; set; }
    }
}

/// <summary>
/// Budgets in fixed windows aligned to Pim's clock (a window of a minute starts on the minute), per request class,
/// tenant and caller: a request spends one of its caller's budget and one of its tenant's. The tenant a request spends
/// is the caller's own (its token's tenant; the path's only for platform identities), so nobody can exhaust another
/// tenant's budget by calling its paths; requests without a valid token spend a budget of their client address.
/// Every answer says what is left (IETF draft-ietf-httpapi-ratelimit-headers: <c>RateLimit</c> and
/// <c>RateLimit-Policy</c>, one item for the caller's budget and one for the tenant's); a refusal is a 429 problem with
/// Retry-After, the seconds until the window ends. Health probes are not limited.
/// </summary>
public sealed class RateBudgets(RateLimitOptions options, TimeProvider time)
{
    /// <summary>A counter of one window: the window's index (low 32 bits) and the requests spent in it, in one word, so
    /// that spending is a compare-and-swap, not a lock every request of one busy caller would queue on.</summary>
    private sealed class Window
    {
        public long State;

        public long Index => (long)(uint)(Volatile.Read(ref State) >> 32);
    }

    /// <summary>A budget's counter: the request class and tenant, and for a caller's budget the caller (its token's tenant and subject).</summary>
    public readonly record struct Key(string Class, string Tenant, string? CallerTenant = null, string? Caller = null);

    private readonly ConcurrentDictionary<Key, Window> _windows = new();
    private long _swept;

    public readonly record struct Spending(bool Allowed, int CallerLeft, int TenantLeft, TimeSpan Reset);

    /// <summary>Spends one request of the caller's and the tenant's budgets (neither, when one of them is spent).</summary>
    public Spending Spend(Key callerKey, Key tenantKey, RateLimitOptions.Budget budget)
    {
        var now = time.GetUtcNow().UtcTicks;
        var index = now / options.Window.Ticks;
        var reset = TimeSpan.FromTicks((index + 1) * options.Window.Ticks - now);
        SweepBefore(index);
        var caller = _windows.GetOrAdd(callerKey, _ => new Window());
        var tenant = _windows.GetOrAdd(tenantKey, _ => new Window());
        if (!TrySpend(caller, index, budget.PerCaller, out var callerUsed))
            return new Spending(false, 0, Math.Max(0, budget.PerTenant - Used(tenant, index)), reset);
        if (!TrySpend(tenant, index, budget.PerTenant, out var tenantUsed))
        {
            Refund(caller, index);
            return new Spending(false, Math.Max(0, budget.PerCaller - callerUsed + 1), 0, reset);
        }
        return new Spending(true, budget.PerCaller - callerUsed, budget.PerTenant - tenantUsed, reset);
    }

    private static long Pack(long index, int used) => ((long)(uint)index << 32) | (uint)used;

    private static int Used(Window window, long index)
    {
        var state = Volatile.Read(ref window.State);
        return (uint)(state >> 32) == (uint)index ? (int)(uint)state : 0;
    }

    /// <summary>One more request in the window, unless <paramref name="limit"/> are spent; a new window starts at zero.</summary>
    private static bool TrySpend(Window window, long index, int limit, out int used)
    {
        while (true)
        {
            var state = Volatile.Read(ref window.State);
            used = (uint)(state >> 32) == (uint)index ? (int)(uint)state : 0;
            if (used >= limit) return false;
            if (Interlocked.CompareExchange(ref window.State, Pack(index, used + 1), state) == state)
            {
                used++;
                return true;
            }
        }
    }

    private static void Refund(Window window, long index)
    {
        while (true)
        {
            var state = Volatile.Read(ref window.State);
            if ((uint)(state >> 32) != (uint)index || (int)(uint)state == 0) return;
            if (Interlocked.CompareExchange(ref window.State, state - 1, state) == state) return;
        }
    }

    /// <summary>Once a window, forgets the counters of windows that are over (callers that stopped calling).</summary>
    private void SweepBefore(long index)
    {
        var swept = Interlocked.Read(ref _swept);
        if (swept >= index || Interlocked.CompareExchange(ref _swept, index, swept) != swept) return;
        foreach (var (key, window) in _windows)
            if (window.Index != (long)(uint)index) _windows.TryRemove(new KeyValuePair<Key, Window>(key, window));
    }
}

public static class RateLimits
{
    private enum RequestClass { Evaluation, Reads, Writes }

    /// <param name="storeConnections">The most connections the store's pool opens (null: no bound, SQLite).</param>
    /// <summary>The budgets and the in-flight bound, by <see cref="RateLimitOptions"/> (bound and checked by <see cref="PimSettings"/>).</summary>
    public static void AddPimRateLimits(this IServiceCollection services)
    {
        services.AddSingleton<RateBudgets>();
        services.AddSingleton<TenantInFlight>();
    }

    public static void UsePimRateLimits(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<RateLimitOptions>();
        var budgets = app.Services.GetRequiredService<RateBudgets>();
        var inFlight = app.Services.GetRequiredService<TenantInFlight>();
        var auth = app.Services.GetRequiredService<AuthOptions>();
        // What the answers say of each class's budget, made once: its name and quota.
        var classes = new[] { RequestClass.Evaluation, RequestClass.Reads, RequestClass.Writes }.ToDictionary(kind => kind, kind =>
        {
            var budget = kind switch
            {
                RequestClass.Evaluation => options.Evaluation,
                RequestClass.Reads => options.Reads,
                _ => options.Writes,
            };
            var policy = kind.ToString().ToLowerInvariant();
            var window = Seconds(options.Window);
            return new ClassBudget(policy, budget,
                $"\"{policy}\";q={budget.PerCaller};w={window}, \"{policy}-tenant\";q={budget.PerTenant};w={window}");
        });
        app.Use(async (http, next) =>
        {
            if (http.Request.Path.StartsWithSegments("/health"))
            {
                await next(http);
                return;
            }
            var (tenant, caller) = Identify(http, auth);
            var kind = http.Has<EndpointMarkers.Evaluation>() ? RequestClass.Evaluation
                : HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? RequestClass.Reads
                : RequestClass.Writes;
            if (options.Enabled && !await SpendAsync(http, budgets, classes[kind], tenant, caller)) return;
            // Requests without a valid token are answered without the store: they take no tenant's place.
            if (!http.User.IsAuthenticated())
            {
                await next(http);
                return;
            }
            using var place = await inFlight.EnterAsync(http, tenant);
            if (place is null && http.RequestAborted.IsCancellationRequested) return; // the client left while it queued
            if (place is null)
            {
                Pim.Infrastructure.PimTelemetry.RateLimited("in-flight", callerBudget: false);
                http.Response.Headers.RetryAfter = "1";
                await Problems.WriteAsync(http, ErrorCodes.RateLimited,
                    $"Too many requests of this tenant run at once (at most {options.InFlightPerTenant}, and {options.InFlightQueuePerTenant} waiting): retry after the time Retry-After gives.");
                return;
            }
            await next(http);
        });
    }

    /// <summary>What a request spent, for its answer's headers (one object handed to <c>OnStarting</c>, not a closure and a delegate per request).</summary>
    private sealed record Spent(HttpContext Http, ClassBudget Of, RateBudgets.Spending Spending);

    private static Task WriteHeaders(object state)
    {
        var (http, of, spending) = (Spent)state;
        var reset = Seconds(spending.Reset);
        http.Response.Headers[OpenApiSetup.RateLimit] =
            $"\"{of.Policy}\";r={spending.CallerLeft};t={reset}, \"{of.Policy}-tenant\";r={spending.TenantLeft};t={reset}";
        http.Response.Headers[OpenApiSetup.RateLimitPolicy] = of.Quota;
        return Task.CompletedTask;
    }

    /// <summary>A request class's budget, its name in the answers' headers and its quota as <c>RateLimit-Policy</c> says it.</summary>
    private sealed record ClassBudget(string Policy, RateLimitOptions.Budget Budget, string Quota);

    /// <summary>Spends one request of the caller's and its tenant's budget of the request's class; false when refused (answered 429).</summary>
    private static async Task<bool> SpendAsync(HttpContext http, RateBudgets budgets, ClassBudget of, string tenant, (string? Tenant, string Subject) caller)
    {
        var spending = budgets.Spend(new RateBudgets.Key(of.Policy, tenant, caller.Tenant, caller.Subject), new RateBudgets.Key(of.Policy, tenant), of.Budget);
        // Set as the answer starts: the exception handler clears the headers set before.
        http.Response.OnStarting(WriteHeaders, new Spent(http, of, spending));
        if (spending.Allowed) return true;
        Pim.Infrastructure.PimTelemetry.RateLimited(of.Policy, callerBudget: spending.CallerLeft == 0);
        http.Response.Headers.RetryAfter = Math.Max(1, Seconds(spending.Reset)).ToString(CultureInfo.InvariantCulture);
        await Problems.WriteAsync(http, ErrorCodes.RateLimited,
            "Too many requests: this caller or its tenant has used its budget for now; retry after the time Retry-After gives.");
        return false;
    }

    private static long Seconds(TimeSpan span) => (long)Math.Ceiling(span.TotalSeconds);

    /// <summary>Whose budget a request spends: its token's tenant and subject, or (without a valid token) its client address.</summary>
    private static (string Tenant, (string? Tenant, string Subject) Caller) Identify(HttpContext http, AuthOptions auth)
    {
        if (!http.User.IsAuthenticated()) return ("anonymous", ("ip", http.ClientAddress() ?? ""));
        var facts = http.User.FactsOrNull(auth);
        var subject = facts?.Subject ?? "";
        var tokenTenant = facts is null ? http.User.FindFirst(auth.Claims.TenantId)?.Value : facts.TenantId;
        var pathTenant = http.GetRouteValue("tenantId") as string;
        var tenant = tokenTenant ?? (auth.PlatformIdentities.Contains(subject, StringComparer.Ordinal) ? pathTenant ?? "platform" : "unknown");
        return (tenant, (tokenTenant, subject));
    }
}
