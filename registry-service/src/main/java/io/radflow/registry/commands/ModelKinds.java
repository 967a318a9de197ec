package io.radflow.registry.commands;

import io.radflow.registry.RegistryException;
import io.radflow.schemas.avro.ModelFileType;
import io.radflow.schemas.avro.ModelLibrary;
import io.radflow.schemas.avro.RuntimeKind;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which file types go with which library, and which runtime a worker uses for each file type.
 * Workers run ONNX files, MD.ai packages (zip) and HTTP models; h5, pickle and joblib files are
 * accepted as model metadata (Neurodeploy compatibility) but cannot become runnable versions.
 */
public final class ModelKinds {

    private ModelKinds() {
    }

    private static final Map<ModelLibrary, Set<ModelFileType>> FILE_TYPES = Map.of(
            ModelLibrary.ONNX, EnumSet.of(ModelFileType.ONNX),
            ModelLibrary.MDAI, EnumSet.of(ModelFileType.ZIP),
            ModelLibrary.HTTP, EnumSet.of(ModelFileType.NONE),
            ModelLibrary.SCIKIT_LEARN, EnumSet.of(ModelFileType.PICKLE, ModelFileType.JOBLIB, ModelFileType.ONNX, ModelFileType.ZIP),
            ModelLibrary.TENSORFLOW, EnumSet.of(ModelFileType.H5, ModelFileType.ONNX, ModelFileType.ZIP),
            ModelLibrary.PYTORCH, EnumSet.of(ModelFileType.PICKLE, ModelFileType.ONNX, ModelFileType.ZIP));

    public static void requireCompatible(ModelLibrary library, ModelFileType fileType) {
        Set<ModelFileType> allowed = FILE_TYPES.get(library);
        if (!allowed.contains(fileType)) {
            throw RegistryException.invalid("file type " + Enums.text(fileType) + " does not go with library " + Enums.text(library)
                    + "; use one of " + allowed.stream().map(Enums::text).toList());
        }
    }

    /** The file type a library implies when none is given (only where there is one choice). */
    public static Optional<ModelFileType> defaultFileType(ModelLibrary library) {
        Set<ModelFileType> allowed = FILE_TYPES.get(library);
        return allowed.size() == 1 ? Optional.of(allowed.iterator().next()) : Optional.empty();
    }

    /** The runtime for versions of a model with this file type. */
    public static RuntimeKind runtimeFor(ModelFileType fileType) {
        return switch (fileType) {
            case ONNX -> RuntimeKind.ONNX;
            case ZIP -> RuntimeKind.MDAI_PYTHON;
            case NONE -> RuntimeKind.HTTP;
            default -> throw RegistryException.invalid("Radflow workers cannot run " + Enums.text(fileType)
                    + " files: export the model to ONNX (filetype onnx) or wrap it in an MD.ai package (filetype zip, "
                    + ".mdai/mdai_deploy.py can load it)");
        };
    }
}
