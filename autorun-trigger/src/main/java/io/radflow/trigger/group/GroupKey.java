package io.radflow.trigger.group;

import io.radflow.schemas.avro.Scope;
import io.radflow.trigger.StoreKeys;
import java.util.Objects;

/**
 * A series or a study of one project. Studies are grouped per project: the same study uploaded to
 * two datasets of one project is one study (its instances are not new data the second time).
 *
 * @param seriesUid null for a study group
 */
public record GroupKey(String projectId, String studyUid, String seriesUid) {

    public GroupKey {
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(studyUid, "studyUid");
    }

    public static GroupKey study(String projectId, String studyUid) {
        return new GroupKey(projectId, studyUid, null);
    }

    public static GroupKey series(String projectId, String studyUid, String seriesUid) {
        return new GroupKey(projectId, studyUid, Objects.requireNonNull(seriesUid, "seriesUid"));
    }

    public boolean isStudy() {
        return seriesUid == null;
    }

    public Scope scope() {
        return isStudy() ? Scope.STUDY : Scope.SERIES;
    }

    public String scopeUid() {
        return isStudy() ? studyUid : seriesUid;
    }

    public GroupKey studyGroup() {
        return study(projectId, studyUid);
    }

    /** Key in the group store: a study's key is also the prefix of all its series' keys. */
    public String storeKey() {
        return isStudy() ? StoreKeys.prefix(projectId, studyUid) : StoreKeys.join(projectId, studyUid, seriesUid);
    }

    /** Prefix of the instance-store keys of this group's instances. */
    public String instancePrefix() {
        return isStudy() ? StoreKeys.prefix(projectId, studyUid) : StoreKeys.prefix(projectId, studyUid, seriesUid);
    }

    public static String instanceKey(String projectId, String studyUid, String seriesUid, String sopUid) {
        return StoreKeys.join(projectId, studyUid, seriesUid, sopUid);
    }

    public static GroupKey parse(String storeKey) {
        String[] parts = StoreKeys.split(storeKey);
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a group key: " + storeKey.replace(StoreKeys.SEPARATOR, '|'));
        }
        return parts[2].isEmpty() ? study(parts[0], parts[1]) : series(parts[0], parts[1], parts[2]);
    }

    @Override
    public String toString() {
        return isStudy() ? "study " + studyUid : "series " + seriesUid + " of study " + studyUid;
    }
}
