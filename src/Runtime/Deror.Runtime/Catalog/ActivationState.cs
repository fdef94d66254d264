namespace Deror.Runtime.Catalog;

/// <summary>The life of one activation. Requests run only in <see cref="Valid"/>.</summary>
internal enum ActivationState
{
    Creating,
    Activating,
    Valid,
    Deactivating,

    /// <summary>Gone: messages that reach it are re-routed to a new activation.</summary>
    Invalid,
}
