import boto3
from django.conf import settings


def presigned_download(key: str) -> str:
    s3 = boto3.client("s3", region_name=settings.AWS_S3_REGION_NAME)
    return s3.generate_presigned_url(
        "get_object",
        Params={"Bucket": settings.AWS_STORAGE_BUCKET_NAME, "Key": key},
        ExpiresIn=300,
    )
