<?xml version="1.0" encoding="utf-8"?>
<!-- A second, NON-CADC archive on the local DaCHS: products of a fictitious
archive (collections VOTEST and VOSURVEY, publisher DIDs
ivo://example.org/votest?vtNNNN and ivo://example.org/vosurvey?vsNNNN)
published ONLY through ivoa.obscore (//obscore#publish); vo2.main itself
is not ADQL-visible, and there is no CAOM2 for them.  Installed as
/var/gavo/inputs/vo2/q.rd (RD id vo2/q); data (rows.jsonl + FITS files in
data/) from gen_obsonly.py, written there by start.sh.

access_url per row (column access_mode):
  direct  SERVER/getproduct/vo2/data/fits/<obs_id>.fits    (image/fits)
  soda    SERVER/vo2/q/dl/dlmeta?ID=<did>      (DataLink: #this + SODA)
  dl      SERVER/vo2/q/dlplain/dlmeta?ID=<did> (DataLink: #this only)
SODA sync: SERVER/vo2/q/dl/dlget?ID=<did>&POS=CIRCLE ra dec r.  (In the
web server, caom2.rd's process-wide patch makes the SODA descriptor's
semantics #cutout there too, not DaCHS's #proc.) -->
<resource schema="vo2" resdir="vo2">
  <meta name="title">VOTEST: a fictitious ObsCore-only archive</meta>
  <meta name="description">Synthetic images, spectra and cubes of a
    made-up archive, published only through ivoa.obscore, for client
    tests against a local DaCHS server.  All values are made up.</meta>
  <meta name="creationDate">2024-06-13T00:00:00Z</meta>
  <meta name="subject">Virtual observatory</meta>
  <meta name="creator.name">CADC client test suite</meta>
  <meta name="content.type">Catalog</meta>

  <table id="main" onDisk="True" mixin="//products#table">
    <meta name="description">Products of the fictitious VOTEST and
      VOSURVEY collections (published through ivoa.obscore only)</meta>
    <index columns="obs_publisher_did"/>
    <mixin
      productType="dataproduct_type"
      calibLevel="calib_level"
      collectionName="obs_collection"
      obsId="obs_id"
      did="obs_publisher_did"
      targetName="target_name"
      instrumentName="instrument_name"
      facilityName="facility_name"
      title="obs_title"
      accessURL="CASE access_mode
        WHEN 'direct' THEN '\getConfig{web}{serverURL}/getproduct/'||accref
        WHEN 'soda' THEN '\getConfig{web}{serverURL}/vo2/q/dl/dlmeta?ID='||gavo_urlescape(obs_publisher_did)
        ELSE '\getConfig{web}{serverURL}/vo2/q/dlplain/dlmeta?ID='||gavo_urlescape(obs_publisher_did) END"
      mime="CASE access_mode WHEN 'direct' THEN 'image/fits'
        ELSE 'application/x-votable+xml;content=datalink' END"
      size="accsize/1024"
      preview="NULL"
      ra="s_ra"
      dec="s_dec"
      fov="s_fov"
      coverage="s_region"
      sResolution="s_resolution"
      tMin="t_min"
      tMax="t_max"
      expTime="t_exptime"
      emMin="em_min"
      emMax="em_max"
      oUCD="'phot.count'"
      >//obscore#publish</mixin>

    <column name="obs_id" type="text" description="observation id"/>
    <column name="obs_collection" type="text" description="collection"/>
    <column name="obs_publisher_did" type="text" description="publisher DID"/>
    <column name="target_name" type="text" description="target"/>
    <column name="instrument_name" type="text" description="instrument"/>
    <column name="facility_name" type="text" description="telescope"/>
    <column name="dataproduct_type" type="text" description="product type"/>
    <column name="calib_level" type="smallint" required="True"
      description="calibration level"/>
    <column name="s_ra" type="double precision" unit="deg" description="centre RA"/>
    <column name="s_dec" type="double precision" unit="deg" description="centre Dec"/>
    <column name="s_fov" type="double precision" unit="deg" description="field of view"/>
    <column name="s_region" type="spoly" unit="deg" description="footprint"/>
    <column name="s_resolution" type="double precision" unit="arcsec"
      description="resolution"/>
    <column name="t_min" type="double precision" unit="d" description="start MJD"/>
    <column name="t_max" type="double precision" unit="d" description="end MJD"/>
    <column name="t_exptime" type="double precision" unit="s" description="exposure"/>
    <column name="em_min" type="double precision" unit="m" description="em min"/>
    <column name="em_max" type="double precision" unit="m" description="em max"/>
    <column name="obs_title" type="text" description="title"/>
    <column name="access_mode" type="text"
      description="direct, soda or dl: which access_url ivoa.obscore gives"/>
  </table>

  <data id="import">
    <sources pattern="data/rows.jsonl"/>
    <embeddedGrammar>
      <iterator>
        <setup imports="json">
          <code>
            from gavo.utils import pgsphere
          </code>
        </setup>
        <code>
          with open(self.sourceToken, encoding="utf-8") as f:
            for line in f:
              if line.strip():
                d = json.loads(line)
                d["s_region"] = pgsphere.SPoly.fromDALI(d["s_region"])
                yield d
        </code>
      </iterator>
      <rowfilter procDef="//products#define">
        <bind key="table">"\schema.main"</bind>
        <bind key="accref">@accref</bind>
        <bind key="path">@accref</bind>
        <bind key="fsize">@fsize</bind>
        <bind key="mime">"image/fits"</bind>
        <!-- DaCHS's automatic previews only work for 2D images: no
        #preview link (it would answer 500) for spectra and cubes -->
        <bind key="preview">"AUTO" if @dataproduct_type=="image" else None</bind>
      </rowfilter>
    </embeddedGrammar>
    <make table="main"><rowmaker idmaps="*"/></make>
  </data>

  <!-- DataLink + SODA (rows with access_mode soda) -->
  <service id="dl" allowed="dlmeta,dlget">
    <meta name="title">VOTEST datalink and SODA</meta>
    <meta name="description">Datalink (#this, SODA descriptor) and SODA
      cutouts for the VOTEST/VOSURVEY products; IDs are their publisher
      DIDs.</meta>
    <datalinkCore>
      <descriptorGenerator>
        <code>
          with base.getTableConn() as conn:
            rows = list(conn.query(
              "SELECT accref FROM vo2.main WHERE obs_publisher_did=%(pid)s",
              {"pid": pubDID}))
          if not rows:
            return DatalinkFault.NotFoundFault(pubDID,
              "No VOTEST product with publisher DID %s here"%pubDID)
          return FITSProductDescriptor.fromAccref(pubDID, rows[0][0])
        </code>
      </descriptorGenerator>
      <FEED source="//soda#fits_standardDLFuncs"/>
    </datalinkCore>
  </service>

  <!-- DataLink only (rows with access_mode dl): #this, no SODA -->
  <service id="dlplain" allowed="dlmeta">
    <meta name="title">VOTEST datalink (no SODA)</meta>
    <meta name="description">Datalink (#this only) for the VOTEST/VOSURVEY
      products; IDs are their publisher DIDs.</meta>
    <datalinkCore>
      <descriptorGenerator>
        <code>
          with base.getTableConn() as conn:
            rows = list(conn.query(
              "SELECT accref FROM vo2.main WHERE obs_publisher_did=%(pid)s",
              {"pid": pubDID}))
          if not rows:
            return DatalinkFault.NotFoundFault(pubDID,
              "No VOTEST product with publisher DID %s here"%pubDID)
          return ProductDescriptor.fromAccref(pubDID, rows[0][0])
        </code>
      </descriptorGenerator>
    </datalinkCore>
  </service>
</resource>
