using System.Text.Json.Serialization;

namespace Deror.Docker.Json;

// The engine names fields in PascalCase (and a few oddly: OOMKilled, MinAPIVersion); matching ignores case.
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ContainerCreateRequest))]
[JsonSerializable(typeof(ContainerCreateResponse))]
[JsonSerializable(typeof(ContainerInspectResponse))]
[JsonSerializable(typeof(List<ContainerSummaryResponse>))]
[JsonSerializable(typeof(ContainerWaitResponse))]
[JsonSerializable(typeof(ImageInspectResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(Dictionary<string, List<string>>))]
internal sealed partial class DockerJsonContext : JsonSerializerContext;
