package io.radflow.dicomtools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.FloatSingleAttribute;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.LongTextAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UnsignedVeryLongAttribute;
import io.radflow.dicom.DicomReadException;
import io.radflow.dicom.DicomReadException.Problem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DicomJsonTest {

    private static final Path FILES = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void shouldWritePersonNamesAsAlphabeticGroups() {
        JsonNode ct = dump("CT_small.dcm");
        assertThat(ct.get("00100010")).isEqualTo(json("{\"vr\":\"PN\",\"Value\":[{\"Alphabetic\":\"CompressedSamples^CT1\"}]}"));
    }

    @Test
    void shouldPutFileMetaInformationFirst() {
        JsonNode ct = dump("CT_small.dcm");
        List<String> keys = new ArrayList<>();
        ct.fieldNames().forEachRemaining(keys::add);
        assertThat(keys.subList(0, 8)).allMatch(k -> k.startsWith("0002"));
        assertThat(keys).isSorted();
        assertThat(ct.get("00020001")).isEqualTo(json("{\"vr\":\"OB\",\"InlineBinary\":\"AAE=\"}"));
        assertThat(ct.get("00020010")).isEqualTo(json("{\"vr\":\"UI\",\"Value\":[\"1.2.840.10008.1.2.1\"]}"));
    }

    @Test
    void shouldLeavePixelDataOutWithItsLength() {
        JsonNode ct = dump("CT_small.dcm");
        assertThat(ct.get("7FE00010")).isEqualTo(json("{\"vr\":\"OW\",\"BulkDataLength\":32768}"));
        JsonNode jpeg2000 = dump("JPEG2000.dcm");
        assertThat(jpeg2000.get("7FE00010")).isEqualTo(json("{\"vr\":\"OB\",\"BulkDataLength\":250}"));
    }

    @Test
    void shouldWriteNumbersAsNumbersAndTagsAsTagStrings() throws Exception {
        JsonNode ct = dump("CT_small.dcm");
        // DS keeps the digits the file wrote.
        assertThat(JSON.writeValueAsString(DicomDump.of(FILES.resolve("CT_small.dcm")).get("00180050"))).isEqualTo("{\"vr\":\"DS\",\"Value\":[5.000000]}");
        assertThat(ct.get("00200013")).isEqualTo(json("{\"vr\":\"IS\",\"Value\":[1]}"));
        assertThat(ct.get("00280010")).isEqualTo(json("{\"vr\":\"US\",\"Value\":[128]}"));
        assertThat(ct.get("00191057")).isEqualTo(json("{\"vr\":\"SS\",\"Value\":[-95]}"));
        assertThat(ct.get("00200032")).isEqualTo(json("{\"vr\":\"DS\",\"Value\":[-158.135803,-179.035797,-75.699997]}"));
        JsonNode jpeg2000 = dump("JPEG2000.dcm");
        assertThat(jpeg2000.get("00280009")).isEqualTo(json("{\"vr\":\"AT\",\"Value\":[\"00540010\",\"00540020\"]}"));
    }

    @Test
    void shouldLeaveValueOutOfEmptyAttributes() {
        JsonNode ct = dump("CT_small.dcm");
        assertThat(ct.get("00100030")).isEqualTo(json("{\"vr\":\"DA\"}"));
        assertThat(ct.get("00080090")).isEqualTo(json("{\"vr\":\"PN\"}"));
    }

    @Test
    void shouldNestSequences() {
        JsonNode sr = dump("test-SR.dcm");
        JsonNode content = sr.get("0040A730");
        assertThat(content.get("vr").asText()).isEqualTo("SQ");
        assertThat(content.get("Value").size()).isGreaterThan(1);
        // Content Sequence > item > Concept Name Code Sequence > item > Code Meaning
        JsonNode conceptName = content.get("Value").get(0).get("0040A043");
        assertThat(conceptName.get("vr").asText()).isEqualTo("SQ");
        assertThat(conceptName.get("Value").get(0).get("00080104").get("vr").asText()).isEqualTo("LO");

        JsonNode plan = dump("rtplan.dcm");
        JsonNode beam = plan.get("300A00B0").get("Value").get(0);
        JsonNode controlPoints = beam.get("300A0111");
        assertThat(controlPoints.get("vr").asText()).isEqualTo("SQ");
        assertThat(controlPoints.get("Value").get(0).get("300A011A").get("Value")).hasSize(2);
    }

    @Test
    void shouldGiveImplicitVrFilesTheVrsOfTheDataDictionary() {
        JsonNode mr = dump("MR_small_implicit.dcm");
        assertThat(mr.get("00020010").get("Value").get(0).asText()).isEqualTo("1.2.840.10008.1.2");
        assertThat(mr.get("00100010").get("vr").asText()).isEqualTo("PN");
        assertThat(mr.get("00280010")).isEqualTo(json("{\"vr\":\"US\",\"Value\":[64]}"));
        assertThat(mr.get("00180050").get("vr").asText()).isEqualTo("DS");
        assertThat(mr.get("00080008").get("vr").asText()).isEqualTo("CS");
        assertThat(mr.get("7FE00010")).isEqualTo(json("{\"vr\":\"OW\",\"BulkDataLength\":8192}"));
    }

    @Test
    void shouldReadBareDataSetsInTheEncodingTheReaderFinds() {
        JsonNode big = dump("ExplVR_BigEndNoMeta.dcm");
        JsonNode little = dump("ExplVR_LitEndNoMeta.dcm");
        assertThat(big).isEqualTo(little);
        assertThat(big.get("00080005").get("Value").get(0).asText()).isEqualTo("ISO_IR 100");
    }

    @Test
    void shouldWriteEveryValueKindOfPs318() throws Exception {
        AttributeList list = new AttributeList();
        PersonNameAttribute pn = new PersonNameAttribute(TagFromName.PatientName);
        pn.addValue("Yamada^Tarou=山田^太郎=やまだ^たろう");
        list.put(pn);
        PersonNameAttribute phoneticOnly = new PersonNameAttribute(TagFromName.ReferringPhysicianName);
        phoneticOnly.addValue("==やまだ");
        list.put(phoneticOnly);
        CodeStringAttribute cs = new CodeStringAttribute(TagFromName.ImageType);
        cs.addValue("ORIGINAL");
        cs.addValue("");
        cs.addValue("AXIAL");
        list.put(cs);
        DecimalStringAttribute ds = new DecimalStringAttribute(TagFromName.PixelSpacing);
        ds.addValue("0.5");
        ds.addValue("1e3");
        list.put(ds);
        IntegerStringAttribute is = new IntegerStringAttribute(TagFromName.SeriesNumber);
        is.addValue("+7");
        list.put(is);
        LongTextAttribute lt = new LongTextAttribute(TagFromName.ImageComments);
        lt.addValue("a\\b");
        list.put(lt);
        AttributeTagAttribute at = new AttributeTagAttribute(TagFromName.FrameIncrementPointer);
        at.addValue(0x0018, 0x1063);
        list.put(at);
        UnsignedVeryLongAttribute uv = new UnsignedVeryLongAttribute(new AttributeTag(0x0009, 0x1001));
        uv.addValue(-1L); // 2^64 - 1
        list.put(uv);
        FloatSingleAttribute fl = new FloatSingleAttribute(new AttributeTag(0x0009, 0x1002));
        fl.addValue(0.1f);
        list.put(fl);
        list.put(new SequenceAttribute(TagFromName.ReferencedImageSequence));
        OtherByteAttribute ob = new OtherByteAttribute(new AttributeTag(0x0009, 0x1003));
        ob.setValues(new byte[] {1, 2, 3});
        list.put(ob);

        String written = JSON.writeValueAsString(DicomJson.of(list));
        JsonNode j = JSON.readTree(written);
        assertThat(j.get("00100010").get("Value").get(0))
                .isEqualTo(json("{\"Alphabetic\":\"Yamada^Tarou\",\"Ideographic\":\"山田^太郎\",\"Phonetic\":\"やまだ^たろう\"}"));
        assertThat(j.get("00080090").get("Value").get(0)).isEqualTo(json("{\"Phonetic\":\"やまだ\"}"));
        assertThat(j.get("00080008").get("Value")).isEqualTo(json("[\"ORIGINAL\",null,\"AXIAL\"]"));
        assertThat(written).contains("\"00280030\":{\"vr\":\"DS\",\"Value\":[0.5,1E+3]}");
        assertThat(j.get("00200011").get("Value")).isEqualTo(json("[7]"));
        assertThat(j.get("00204000").get("Value")).isEqualTo(json("[\"a\\\\b\"]"));
        assertThat(j.get("00280009").get("Value")).isEqualTo(json("[\"00181063\"]"));
        assertThat(written).contains("\"00091001\":{\"vr\":\"UV\",\"Value\":[18446744073709551615]}");
        assertThat(written).contains("\"00091002\":{\"vr\":\"FL\",\"Value\":[0.1]}");
        assertThat(j.get("00081140")).isEqualTo(json("{\"vr\":\"SQ\"}"));
        assertThat(j.get("00091003")).isEqualTo(json("{\"vr\":\"OB\",\"InlineBinary\":\"AQID\"}"));
        assertThat(reread(DicomJson.of(list, 2)).get("00091003")).isEqualTo(json("{\"vr\":\"OB\",\"BulkDataLength\":3}"));
    }

    @Test
    void shouldRefuseWhatIsNotDicomOrIsCutShort(@TempDir Path dir) throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "just text, no DICOM here at all", StandardCharsets.US_ASCII);
        assertThatThrownBy(() -> DicomDump.of(text)).isInstanceOfSatisfying(DicomReadException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.NOT_DICOM));
        assertThatThrownBy(() -> DicomDump.of(FILES.resolve("rtplan_truncated.dcm"))).isInstanceOfSatisfying(DicomReadException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.TRUNCATED));
        assertThatThrownBy(() -> DicomDump.of(dir.resolve("missing.dcm"))).isInstanceOfSatisfying(DicomReadException.class,
                e -> assertThat(e.problem()).isEqualTo(Problem.IO));
    }

    /** The dump as a reader of its text sees it (so that 1 read back equals 1 written as a long). */
    private static JsonNode dump(String file) {
        return reread(DicomDump.of(FILES.resolve(file)));
    }

    private static JsonNode reread(JsonNode node) {
        try {
            return JSON.readTree(JSON.writeValueAsString(node));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
