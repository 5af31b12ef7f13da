"""The CloudFormation stack in infrastructure/: cfn-lint clean, in step with the store's
table contract (skill/store/tables.py), least privilege, and deployed on the moto server.

moto 5.2 creates the stack's tables without their TTL, point-in-time recovery and SSE
settings (its CloudFormation table model reads none of TimeToLiveSpecification and
PointInTimeRecoverySpecification, and reads SSE under the API's key, not the template's)
and drops a permission's EventSourceToken; those settings are checked in the template.
"""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any

import pytest
import yaml

from skill.store.tables import HISTORY_SORT_KEY, HISTORY_TABLE_ENV, PARTITION_KEY, RECORDS_TABLE_ENV, TTL_ATTRIBUTE
from tests.dynamo import Emulator

REPO = Path(__file__).resolve().parent.parent
TEMPLATE = REPO / "infrastructure" / "skill-stack.yaml"
SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
ITEM_ACTIONS = {
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:DeleteItem",
    "dynamodb:UpdateItem",
    "dynamodb:Query",
    "dynamodb:BatchWriteItem",
    "dynamodb:BatchGetItem",
}


class _Loader(yaml.SafeLoader):
    """YAML with CloudFormation's short tags (``!Ref X`` -> ``{"Ref": "X"}``)."""


def _short_tag(loader: _Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        assert isinstance(node, yaml.MappingNode)
        value = loader.construct_mapping(node, deep=True)
    if suffix == "GetAtt" and isinstance(value, str):
        value = value.split(".", 1)
    return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _short_tag)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    data: dict[str, Any] = yaml.load(TEMPLATE.read_text(), Loader=_Loader)  # a SafeLoader
    return data


def resources(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {name: r["Properties"] for name, r in template["Resources"].items() if r["Type"] == kind}


def test_cfn_lint_passes() -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "cfn-lint"), str(TEMPLATE)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_tables_follow_the_store_contract(template: dict[str, Any]) -> None:
    tables = resources(template, "AWS::DynamoDB::Table")
    assert set(tables) == {"RecordsTable", "HistoryTable"}
    records, history = tables["RecordsTable"], tables["HistoryTable"]
    # The ASK adapter's single-key layout for the hot record; history under a sort key.
    assert records["KeySchema"] == [{"AttributeName": PARTITION_KEY, "KeyType": "HASH"}]
    assert records["AttributeDefinitions"] == [{"AttributeName": PARTITION_KEY, "AttributeType": "S"}]
    assert history["KeySchema"] == [
        {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
        {"AttributeName": HISTORY_SORT_KEY, "KeyType": "RANGE"},
    ]
    assert {a["AttributeName"]: a["AttributeType"] for a in history["AttributeDefinitions"]} == {
        PARTITION_KEY: "S",
        HISTORY_SORT_KEY: "S",
    }
    assert history["TimeToLiveSpecification"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    assert "TimeToLiveSpecification" not in records  # saved progress never expires
    for table in tables.values():
        assert table["BillingMode"] == "PAY_PER_REQUEST"
        assert table["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        # AWS's own key for the consumer profile; the clinic's tables use the deployment's key.
        assert table["SSESpecification"] == {
            "Fn::If": [
                "IsClinic",
                {"SSEEnabled": True, "SSEType": "KMS", "KMSMasterKeyId": {"Fn::GetAtt": ["DataKey", "Arn"]}},
                {"SSEEnabled": True},
            ]
        }
    for name in tables:
        assert template["Resources"][name]["DeletionPolicy"] == "Retain"
    # Clinic patients' records are keyed with the link secret: it outlives the stack as they do.
    secret = template["Resources"]["LinkSecret"]
    assert secret["DeletionPolicy"] == "Retain" and secret["UpdateReplacePolicy"] == "Retain"


def test_function_gets_the_tables_and_the_skill_id(template: dict[str, Any]) -> None:
    (function,) = resources(template, "AWS::Lambda::Function").values()
    assert function["Environment"]["Variables"] == {
        "SPINE_COACH_SKILL_ID": {"Ref": "SkillId"},
        RECORDS_TABLE_ENV: {"Ref": "RecordsTable"},
        HISTORY_TABLE_ENV: {"Ref": "HistoryTable"},
        "SPINE_COACH_PROFILE": {"Ref": "Profile"},  # issue 28: what is kept
        "SPINE_COACH_OIDC_ISSUER": {"Fn::If": ["IsClinic", {"Ref": "OidcIssuer"}, {"Ref": "AWS::NoValue"}]},
        "SPINE_COACH_OIDC_AUDIENCE": {"Fn::If": ["IsClinic", {"Ref": "OidcAudience"}, {"Ref": "AWS::NoValue"}]},
        "SPINE_COACH_OIDC_JWKS_URL": {"Fn::If": ["HasJwksUrl", {"Ref": "OidcJwksUrl"}, {"Ref": "AWS::NoValue"}]},
        "SPINE_COACH_HISTORY_RETENTION_DAYS": {"Ref": "HistoryRetentionDays"},
        "SPINE_COACH_TIME_ZONE": {"Fn::If": ["HasTimeZone", {"Ref": "TimeZone"}, {"Ref": "AWS::NoValue"}]},
        # issue 30: generated per deployment, kept outside the tables
        "SPINE_COACH_LINK_SECRET": {"Fn::Sub": "{{resolve:secretsmanager:${LinkSecret}:SecretString}}"},
    }
    entry_point = (REPO / "lambda" / "lambda_function.py").read_text()
    assert f'"{RECORDS_TABLE_ENV}"' in entry_point
    assert '"SPINE_COACH_SKILL_ID"' in entry_point
    runtimes = template["Parameters"]["LambdaRuntime"]["AllowedValues"]
    assert all(tuple(map(int, r.removeprefix("python").split("."))) >= (3, 11) for r in runtimes)
    assert template["Parameters"]["LambdaRuntime"]["Default"] == "python3.11"
    (trigger,) = resources(template, "AWS::Lambda::Permission").values()
    assert trigger == {
        "Action": "lambda:InvokeFunction",
        "FunctionName": {"Fn::GetAtt": ["SkillFunction", "Arn"]},
        "Principal": "alexa-appkit.amazon.com",
        "EventSourceToken": {"Ref": "SkillId"},  # only this skill may invoke the function
    }
    assert template["Outputs"]["SkillEndpoint"]["Value"] == {"Fn::GetAtt": ["SkillFunction", "Arn"]}


def test_the_clinic_profile_encrypts_with_its_own_key_and_names_its_provider(template: dict[str, Any]) -> None:
    """Under the clinic profile the tables and the logs are encrypted with a key of the
    deployment's own, kept with the tables it unlocks; the provider must be named."""
    key = template["Resources"]["DataKey"]
    assert key["Condition"] == "IsClinic" and key["DeletionPolicy"] == "Retain"
    assert key["Properties"]["EnableKeyRotation"] is True
    assert template["Conditions"]["IsClinic"] == {"Fn::Equals": [{"Ref": "Profile"}, "clinic"]}
    log_group = resources(template, "AWS::Logs::LogGroup")["FunctionLogGroup"]
    assert log_group["KmsKeyId"] == {
        "Fn::If": ["IsClinic", {"Fn::GetAtt": ["DataKey", "Arn"]}, {"Ref": "AWS::NoValue"}]
    }
    (use,) = [
        statement["Fn::If"][1]
        for statement in resources(template, "AWS::IAM::Role")["FunctionRole"]["Policies"][0]["PolicyDocument"][
            "Statement"
        ]
        if "Fn::If" in statement
    ]
    assert use["Condition"] == {
        "StringEquals": {"kms:ViaService": {"Fn::Sub": "dynamodb.${AWS::Region}.amazonaws.com"}}
    }
    rule = template["Rules"]["ClinicNamesItsProvider"]
    asserted = [a["Assert"] for a in rule["Assertions"]]
    assert {"Fn::Not": [{"Fn::Equals": [{"Ref": "OidcIssuer"}, ""]}]} in asserted
    assert {"Fn::Not": [{"Fn::Equals": [{"Ref": "OidcAudience"}, ""]}]} in asserted
    assert {"Fn::Not": [{"Fn::Equals": [{"Ref": "HistoryRetentionDays"}, "0"]}]} in asserted
    assert {"Fn::Not": [{"Fn::Equals": [{"Ref": "TimeZone"}, ""]}]} in asserted
    assert template["Parameters"]["Profile"]["Default"] == "consumer"


def _statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for role in resources(template, "AWS::IAM::Role").values():
        assert "ManagedPolicyArns" not in role
        for policy in role.get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                # A statement only one profile has: Fn::If [condition, statement, AWS::NoValue].
                found.append(statement["Fn::If"][1] if "Fn::If" in statement else statement)
    for policy in resources(template, "AWS::IAM::Policy").values():
        found.extend(policy["PolicyDocument"]["Statement"])
    return found


def test_role_has_least_privilege(template: dict[str, Any]) -> None:
    by_resource: dict[str, set[str]] = {}
    for statement in _statements(template):
        assert statement["Effect"] == "Allow"
        target = statement["Resource"]
        # One resource of this stack per statement, never "*" or a pattern.
        assert isinstance(target, dict)
        assert list(target) == ["Fn::GetAtt"]
        assert target["Fn::GetAtt"][1] == "Arn"
        by_resource.setdefault(target["Fn::GetAtt"][0], set()).update(statement["Action"])
    assert set(by_resource) == {"RecordsTable", "HistoryTable", "FunctionLogGroup", "DataKey"}
    assert by_resource["DataKey"] == {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"}
    assert by_resource["RecordsTable"] <= ITEM_ACTIONS
    assert by_resource["HistoryTable"] <= ITEM_ACTIONS
    assert by_resource["FunctionLogGroup"] == {"logs:CreateLogStream", "logs:PutLogEvents"}
    log_group = resources(template, "AWS::Logs::LogGroup")["FunctionLogGroup"]
    assert log_group["LogGroupName"] == {"Fn::Sub": "/aws/lambda/${SkillFunction}"}


def _document(raw: Any) -> Any:
    """A policy document as IAM returns it; moto returns a role's inline policies from
    the template as the text of a Python dict, and other policies as JSON text."""
    if isinstance(raw, dict):
        return raw
    try:
        return json.loads(raw)
    except json.JSONDecodeError:
        return ast.literal_eval(raw)


def _wait(cloudformation: Any, stack: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while True:
        found: dict[str, Any] = cloudformation.describe_stacks(StackName=stack)["Stacks"][0]
        if not found["StackStatus"].endswith("IN_PROGRESS") or time.monotonic() > deadline:
            return found
        time.sleep(0.3)


CLINIC_PARAMETERS = {
    "Profile": "clinic",
    "OidcIssuer": "https://id.clinic.example.org",
    "OidcAudience": "spine-coach",
    "HistoryRetentionDays": "730",
    "TimeZone": "America/Chicago",
}


@pytest.mark.parametrize("profile", ["consumer", "clinic"])
def test_stack_deploys_on_the_moto_server(emulator: Emulator, profile: str) -> None:
    import boto3

    settings = {
        "endpoint_url": emulator.endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    # What the ASK CLI's cfn-deployer does: upload the code to a versioned bucket, then
    # create the stack with the skill id, runtime, handler and the code's location.
    s3 = boto3.client("s3", **settings)
    s3.create_bucket(Bucket="ask-spine-coach-code")
    s3.put_bucket_versioning(Bucket="ask-spine-coach-code", VersioningConfiguration={"Status": "Enabled"})
    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.write(REPO / "lambda" / "lambda_function.py", "lambda_function.py")
    version = s3.put_object(Bucket="ask-spine-coach-code", Key="endpoint/build.zip", Body=code.getvalue())["VersionId"]
    parameters = {
        "SkillId": SKILL_ID,
        "LambdaRuntime": "python3.11",
        "LambdaHandler": "lambda_function.lambda_handler",
        "CodeBucket": "ask-spine-coach-code",
        "CodeKey": "endpoint/build.zip",
        "CodeVersion": version,
        **(CLINIC_PARAMETERS if profile == "clinic" else {}),
    }
    stack_name = f"ask-spinecoach-{profile}-skillStack"
    cloudformation = boto3.client("cloudformation", **settings)
    cloudformation.create_stack(
        StackName=stack_name,
        TemplateBody=TEMPLATE.read_text(),
        Parameters=[{"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()],
        Capabilities=["CAPABILITY_IAM"],
    )
    stack = _wait(cloudformation, stack_name)
    assert stack["StackStatus"] == "CREATE_COMPLETE", stack.get("StackStatusReason")
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack["Outputs"]}
    created = {
        r["LogicalResourceId"]: r.get("PhysicalResourceId")
        for r in cloudformation.describe_stack_resources(StackName=stack_name)["StackResources"]
        if "LogicalResourceId" in r  # the emulator lists its generated secret without one
    }

    dynamodb = boto3.client("dynamodb", **settings)
    records = dynamodb.describe_table(TableName=created["RecordsTable"])["Table"]
    history = dynamodb.describe_table(TableName=created["HistoryTable"])["Table"]
    assert records["KeySchema"] == [{"AttributeName": PARTITION_KEY, "KeyType": "HASH"}]
    assert history["KeySchema"] == [
        {"AttributeName": PARTITION_KEY, "KeyType": "HASH"},
        {"AttributeName": HISTORY_SORT_KEY, "KeyType": "RANGE"},
    ]
    assert records["BillingModeSummary"]["BillingMode"] == history["BillingModeSummary"]["BillingMode"]
    assert records["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

    functions = boto3.client("lambda", **settings)
    function = functions.get_function(FunctionName=created["SkillFunction"])["Configuration"]
    assert outputs["SkillEndpoint"] == function["FunctionArn"]
    assert function["Runtime"] == "python3.11"
    # A Number parameter: CloudFormation passes its text, the emulator the number.
    variables = {name: str(value) for name, value in function["Environment"]["Variables"].items()}
    # CloudFormation resolves the secret's dynamic reference at deploy time; the emulator
    # passes the reference through as written, so only its presence is checked here.
    assert variables.get("SPINE_COACH_LINK_SECRET")
    clinic = {
        "SPINE_COACH_OIDC_ISSUER": "https://id.clinic.example.org",
        "SPINE_COACH_OIDC_AUDIENCE": "spine-coach",
        "SPINE_COACH_TIME_ZONE": "America/Chicago",
    }
    assert variables == {
        "SPINE_COACH_SKILL_ID": SKILL_ID,
        RECORDS_TABLE_ENV: created["RecordsTable"],
        HISTORY_TABLE_ENV: created["HistoryTable"],
        "SPINE_COACH_PROFILE": profile,
        "SPINE_COACH_LINK_SECRET": variables.get("SPINE_COACH_LINK_SECRET"),
        "SPINE_COACH_HISTORY_RETENTION_DAYS": "730" if profile == "clinic" else "0",
        **(clinic if profile == "clinic" else {}),
    }
    trigger = functions.get_policy(FunctionName=created["SkillFunction"])["Policy"]
    assert '"Principal": "alexa-appkit.amazon.com"' in trigger

    iam = boto3.client("iam", **settings)
    role_name = function["Role"].rsplit("/", 1)[1]
    assert role_name == created["FunctionRole"]
    granted: dict[str, set[str]] = {}
    for policy_name in iam.list_role_policies(RoleName=role_name)["PolicyNames"]:
        document = _document(iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"])
        # The emulator leaves AWS::NoValue in a list as None; CloudFormation drops it.
        for statement in filter(None, document["Statement"]):
            granted.setdefault(statement["Resource"], set()).update(statement["Action"])
    assert iam.list_attached_role_policies(RoleName=role_name)["AttachedPolicies"] == []
    logs = boto3.client("logs", **settings)
    (group,) = logs.describe_log_groups(logGroupNamePrefix=f"/aws/lambda/{created['SkillFunction']}")["logGroups"]
    assert group["retentionInDays"] == 30
    if profile == "clinic":
        # The deployment's own key, rotated, and the function may use it through DynamoDB only.
        # The deployment's own key, and the function may use it (through DynamoDB only).
        keys = {k["KeyArn"] for k in boto3.client("kms", **settings).list_keys()["Keys"]}
        (key_arn,) = [arn for arn in granted if ":kms:" in arn]
        assert key_arn in keys
        assert granted.pop(key_arn) == {"kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"}
    else:
        assert "DataKey" not in created
    assert set(granted) == {records["TableArn"], history["TableArn"], group["logGroupArn"]}
    assert granted[records["TableArn"]] == {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:DeleteItem"}
    assert granted[history["TableArn"]] <= ITEM_ACTIONS
    assert granted[group["logGroupArn"]] == {"logs:CreateLogStream", "logs:PutLogEvents"}
