namespace Deror;

/// <summary>Anything that can be addressed by a grain reference.</summary>
public interface IAddressable;

/// <summary>Marker for grain interfaces. Derive from one of the keyed markers below, not from this one.</summary>
public interface IGrain : IAddressable;

/// <summary>A grain identified by a string key.</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>A grain identified by a <see cref="Guid"/> key.</summary>
public interface IGrainWithGuidKey : IGrain;

/// <summary>A grain identified by a 64-bit integer key.</summary>
public interface IGrainWithIntegerKey : IGrain;
