using Pim.Infrastructure;

namespace Pim.Api.Tests.Access;

/// <summary>
/// The grant index's bound when none is set: a share of the memory available to Pim (the machine's, or its container's
/// limit) at what a row takes, so that the default configuration holds a million-assignment directory wherever the memory
/// for it is there. An explicit bound is kept as it is. No database.
/// </summary>
public sealed class GrantIndexBoundTests
{
    private const long GiB = 1L << 30;

    /// <summary>The benchmark's million assignments over 1,000 tenants: principals, assignments, memberships, activations and ended grants.</summary>
    private const int MillionAssignmentDirectoryRows = 2_550_000;

    [Fact]
    public void Unset_the_bound_is_a_quarter_of_the_available_memory_at_the_bytes_a_row_takes()
    {
        var options = new AccessCacheOptions();
        Assert.Null(options.MaxEntries);
        Assert.Equal((int)(4 * GiB / 4 / TenantGrants.BytesPerEntry), options.EffectiveMaxEntries(4 * GiB));
        Assert.Equal((int)(4 * GiB / 2 / TenantGrants.BytesPerEntry), new AccessCacheOptions { MemoryShare = 0.5 }.EffectiveMaxEntries(4 * GiB));
    }

    [Fact]
    public void A_million_assignment_directory_fits_the_default_bound_of_a_machine_or_container_with_two_GiB()
    {
        Assert.True(new AccessCacheOptions().EffectiveMaxEntries(2 * GiB) >= MillionAssignmentDirectoryRows);
        Assert.True(MillionAssignmentDirectoryRows * (long)TenantGrants.BytesPerEntry < 2 * GiB / 4);
    }

    [Fact]
    public void An_explicit_bound_is_kept_and_a_derived_one_is_never_below_the_minimum()
    {
        Assert.Equal(3, new AccessCacheOptions { MaxEntries = 3 }.EffectiveMaxEntries(64 * GiB));
        Assert.Equal(0, new AccessCacheOptions { MaxEntries = 0 }.EffectiveMaxEntries(64 * GiB));
        Assert.Equal(AccessCacheOptions.MinimumDerivedEntries, new AccessCacheOptions().EffectiveMaxEntries(0));
        Assert.Equal(int.MaxValue, new AccessCacheOptions { MemoryShare = 1 }.EffectiveMaxEntries(long.MaxValue));
    }
}
