namespace Deror.Networking;

/// <summary>
/// Decides, on the accepting side, whether a peer may connect: null admits it; otherwise the reason, which is sent
/// to the peer instead of the local handshake (it surfaces there as <see cref="ConnectionRefusedException"/>).
/// </summary>
public delegate string? HandshakeAdmission(Handshake remote);
