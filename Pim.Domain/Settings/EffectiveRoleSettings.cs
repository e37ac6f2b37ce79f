namespace Pim.Domain;

/// <summary>
/// A role's settings as in force at a scope: the nearest scope at or above it that has settings, else the role's
/// tenant-wide settings, else the defaults. <see cref="Version"/> is the version saved at <see cref="Scope"/> itself
/// (0 when nothing is saved there): a change names it, so that two administrators never overwrite each other unseen.
/// <see cref="Defaults"/> are the role's defaults, which a change that leaves a field out takes.
/// </summary>
public sealed record EffectiveRoleSettings(RoleSettings Settings, int Version, string Scope, string InheritedFrom, RoleSettings Defaults);
